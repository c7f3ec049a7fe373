"""Real processes for tests: the `searchapp` CLI and gunicorn on 127.0.0.1, always stopped."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
STARTUP_SECONDS = 60


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(url: str, method: str = "GET", headers: dict | None = None, timeout: float = 10
          ) -> tuple[int, dict, bytes]:
    """(status, headers, body) of one request; HTTP errors are answers too."""
    request = urllib.request.Request(url, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def get_json(url: str, **kwargs) -> tuple[int, dict]:
    status, _, body = fetch(url, **kwargs)
    return status, json.loads(body)


def cli(*args: str, env: dict | None = None, timeout: float = 300,
        stdin: bytes | None = None) -> subprocess.CompletedProcess:
    """`searchapp ARGS` as a user runs it, in its own process."""
    return subprocess.run([sys.executable, "-m", "searchapp.cli", *args], cwd=ROOT,
                          env={**os.environ, **(env or {})}, capture_output=True, text=True,
                          timeout=timeout, input=stdin.decode() if stdin else None)


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextmanager
def server_process(command: list[str], index_dir: Path, env: dict | None = None,
                   ready: str = "/api/v1/health", cwd: Path = ROOT,
                   ) -> Iterator[tuple[str, subprocess.Popen]]:
    """Start `command` (a server; "{port}" in its argv is replaced by a free port) in `cwd`,
    yield its base URL and process once `ready` answers, stop it afterwards."""
    port = free_port()
    argv = [part.replace("{port}", str(port)) for part in command]
    environment = {**os.environ, "SEARCHAPP_INDEX_DIR": str(index_dir), **(env or {})}
    process = subprocess.Popen(argv, cwd=cwd, env=environment,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + STARTUP_SECONDS
    try:
        while True:
            try:
                status = fetch(base + ready, timeout=5)[0]
                if status < 500 or status == 503:
                    break
            except OSError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                stop(process)
                raise RuntimeError(f"server did not start: {process.stderr.read().decode()}")
            time.sleep(0.2)
        yield base, process
    finally:
        stop(process)


@contextmanager
def serving(command: list[str], index_dir: Path, env: dict | None = None,
            ready: str = "/api/v1/health") -> Iterator[str]:
    """`server_process`, yielding only the base URL."""
    with server_process(command, index_dir, env, ready) as (base, _):
        yield base


def eventually(check, seconds: float = 10, every: float = 0.05):
    """The first true result of `check()` within `seconds` (servers refresh in the
    background: a change is visible within a fraction of a second, not at once)."""
    deadline = time.monotonic() + seconds
    while True:
        result = check()
        if result or time.monotonic() > deadline:
            return result
        time.sleep(every)


def children(pid: int) -> list[int]:
    found = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout
    return sorted(int(p) for p in found.split())


def descendants(pid: int) -> list[int]:
    """Children, their children and so on (a build's work runs in a child of its own)."""
    found, todo = [], children(pid)
    while todo:
        found += todo
        todo = [grandchild for child in todo for grandchild in children(child)]
    return sorted(found)


GUNICORN = [sys.executable, "-m", "gunicorn", "--workers", "2", "--bind", "127.0.0.1:{port}",
            "wsgi:app"]
SEARCHAPP_SERVE = [sys.executable, "-m", "searchapp.cli", "serve", "--port", "{port}"]
