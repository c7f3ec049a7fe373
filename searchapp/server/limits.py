"""Limits of the HTTP layer (no gunicorn import here, so the settings module stays light)."""

# A q of 1,000 emoji is 12,000 bytes percent-encoded; filters add to it.
MAX_REQUEST_LINE = 32 * 1024
