"""`gunicorn wsgi:app` from a clone of this repository (gunicorn.conf.py beside it brings
searchapp's settings). From an installed package use
`gunicorn -c python:searchapp.server.settings searchapp.wsgi:app`."""

from searchapp.wsgi import app

__all__ = ["app"]
