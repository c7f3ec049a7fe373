"""gunicorn entry point: `gunicorn wsgi:app`; the index comes from SEARCHAPP_INDEX_DIR."""

from searchapp.api import create_app

app = create_app(warm=True)
