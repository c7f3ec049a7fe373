"""gunicorn entry point: `gunicorn wsgi:app`; the index comes from SEARCHAPP_INDEX_DIR.

Run from this folder, gunicorn reads gunicorn.conf.py: the app is loaded once and each
worker opens the index after the fork and follows it in the background. Elsewhere pass
`-c python:searchapp.server.settings`; without those settings each worker opens the index
on its first request and reopens it when a request finds it changed.
"""

from searchapp.api import create_app

app = create_app()
