"""Limits of the HTTP layer (no gunicorn import here, so the settings module stays light)."""

# A q of 1,000 emoji is 12,000 bytes percent-encoded; filters add to it.
MAX_REQUEST_LINE = 32 * 1024
CLIENT_SECONDS = 10.0  # to send a whole request (a browser sends it in milliseconds)
SEND_SECONDS = 30.0  # to take each write of an answer
