"""A gunicorn sync worker that answers its own errors in JSON.

gunicorn answers a request it cannot hand to the app (a request line over the limit, a
malformed header, a crash) with a small HTML page; an API client expects JSON there too.
It also caps the request line at 8,190 bytes whatever the settings say; this worker lifts
that cap to MAX_REQUEST_LINE so the app's own limits (a 1,000-character q) decide.
"""

from __future__ import annotations

import json

from gunicorn import util
from gunicorn.http import message
from gunicorn.workers.sync import SyncWorker

from searchapp.server.limits import MAX_REQUEST_LINE

message.MAX_REQUEST_LINE = max(message.MAX_REQUEST_LINE, MAX_REQUEST_LINE)


def write_json_error(sock, status_int: int, reason: str, mesg: str) -> None:
    """gunicorn's `util.write_error`, with a JSON body in the API's error shape."""
    body = json.dumps({"code": status_int, "status": reason,
                       "message": mesg or reason}).encode("utf-8")
    head = (f"HTTP/1.1 {status_int} {reason}\r\nConnection: close\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n"
            "X-Content-Type-Options: nosniff\r\n\r\n").encode("latin-1")
    util.write_nonblock(sock, head + body)


util.write_error = write_json_error


class JsonErrorWorker(SyncWorker):
    """SyncWorker; importing this module installs the JSON errors and the longer line."""
