"""Read by gunicorn from the working directory: `gunicorn wsgi:app` gets searchapp's settings
(JSON errors from gunicorn itself, long query lines, sync workers, timeouts)."""

from searchapp.server.settings import *  # noqa: F401,F403
