"""A gunicorn sync worker that answers its own errors in JSON and drops slow clients.

gunicorn answers a request it cannot hand to the app (a request line over the limit, a
malformed header, a crash) with a small HTML page; an API client expects JSON there too.
It also caps the request line at 8,190 bytes whatever the settings say; this worker lifts
that cap to MAX_REQUEST_LINE so the app's own limits (a 1,000-character q) decide.

A sync worker reads a request with a blocking socket: a client that connects and sends
nothing, or a byte every few seconds, held the worker until gunicorn killed it for silence
(30 s). Here the whole request must arrive within CLIENT_SECONDS, and each write of the
answer within SEND_SECONDS; past that the connection is closed and the worker goes on.
"""

from __future__ import annotations

import json
import socket
import time

from gunicorn import util
from gunicorn.http import message
from gunicorn.workers.sync import SyncWorker

from searchapp.server.limits import CLIENT_SECONDS, MAX_REQUEST_LINE, SEND_SECONDS

ALIVE_EVERY_SECONDS = 1.0

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


class _ClientWithDeadline:
    """The client socket, its reads bounded by one deadline for the whole request; each
    write also tells the arbiter the worker is alive (`alive`), so a long streamed answer
    (an export of the whole index) is not killed for silence while it makes progress."""

    def __init__(self, sock: socket.socket, seconds: float, alive=None):
        self._sock = sock
        self._deadline = time.monotonic() + seconds
        self._alive = alive
        self._told = time.monotonic()

    def recv(self, *args):
        """As recv, but past the deadline the client counts as gone (b"": gunicorn closes
        the connection quietly, as for a client that hung up)."""
        left = self._deadline - time.monotonic()
        if left <= 0:
            return b""
        self._sock.settimeout(left)
        try:
            return self._sock.recv(*args)
        except TimeoutError:
            return b""

    def sendall(self, *args):
        self._sock.settimeout(SEND_SECONDS)
        result = self._sock.sendall(*args)
        if self._alive is not None and time.monotonic() - self._told > ALIVE_EVERY_SECONDS:
            self._told = time.monotonic()
            self._alive()
        return result

    def send(self, *args):
        self._sock.settimeout(SEND_SECONDS)
        return self._sock.send(*args)

    def __getattr__(self, name):
        return getattr(self._sock, name)


class JsonErrorWorker(SyncWorker):
    """SyncWorker; importing this module installs the JSON errors and the longer line."""

    def handle(self, listener, client, addr):
        super().handle(listener, _ClientWithDeadline(client, CLIENT_SECONDS, self.notify),
                       addr)
