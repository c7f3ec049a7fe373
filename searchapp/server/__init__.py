"""Serving the app with gunicorn: its settings and a worker whose own errors are JSON."""
