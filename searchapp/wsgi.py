"""The WSGI app for any server, importable from an installed package.

`gunicorn -c python:searchapp.server.settings searchapp.wsgi:app` runs it with searchapp's
settings from any folder; the index comes from SEARCHAPP_INDEX_DIR (default ./index). The
settings load the app once and have each worker open the index after the fork and follow it
in the background; without them each worker opens the index on its first request and
reopens it when a request finds it changed.
"""

from searchapp.api import create_app

app = create_app()
