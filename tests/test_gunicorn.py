"""A real gunicorn with several workers on 127.0.0.1 picks up a rebuilt index by itself."""

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
from collections.abc import Callable
from pathlib import Path

import pytest

from searchapp.engine import IndexStore
from searchapp.ingest import SAMPLE_DIR
from searchapp.pipeline import build_index
from tests.conftest import write_jsonl

ROOT = Path(__file__).resolve().parents[1]
STARTUP_SECONDS = 30


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get_json(url: str) -> tuple[int, dict]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, json.load(response)
    except urllib.error.HTTPError as error:
        return error.code, json.load(error)


@pytest.fixture
def gunicorn_server(tmp_path):
    yield from _serving(tmp_path, lambda port, index_dir: [
        sys.executable, "-m", "gunicorn", "--workers", "2", "--bind", f"127.0.0.1:{port}",
        "wsgi:app"])


@pytest.fixture
def searchapp_serve(tmp_path):
    """The README's server: `searchapp serve`, which runs gunicorn with our options."""
    yield from _serving(tmp_path, lambda port, index_dir: [
        sys.executable, "-m", "searchapp.cli", "serve", "--port", str(port),
        "--index-dir", str(index_dir)])


def _serving(tmp_path: Path, command: Callable[[int, Path], list[str]]):
    """Build the sample index, start `command(port, index_dir)`, yield once it answers."""
    index_dir = tmp_path / "index"
    build_index(IndexStore(index_dir))
    port = free_port()
    env = {**os.environ, "SEARCHAPP_INDEX_DIR": str(index_dir)}
    process = subprocess.Popen(
        command(port, index_dir), cwd=ROOT, env=env,
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + STARTUP_SECONDS
    try:
        while True:
            try:
                if get_json(f"{base}/api/v1/health")[0] == 200:
                    break
            except OSError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"gunicorn did not start: {process.stderr.read().decode()}")
            time.sleep(0.2)
        yield base, index_dir
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def test_rebuild_while_serving_shows_the_new_article_without_restart(gunicorn_server, tmp_path):
    base, index_dir = gunicorn_server
    query = f"{base}/api/v1/search?q=zanzibarite"
    status, body = get_json(query)
    assert (status, body["total"]) == (200, 0)
    extra = write_jsonl(tmp_path / "new.jsonl", [{
        "id": "breaking-1", "title": "Zanzibarite found in Moscow",
        "body": "A new mineral, zanzibarite, was described on Wednesday.",
        "outlet": "Test Wire", "published": "2023-02-23",
    }])
    build_index(IndexStore(index_dir), [SAMPLE_DIR, extra])
    # Enough requests that both workers must have answered from the new generation.
    seen = [get_json(query)[1]["total"] for _ in range(20)]
    assert seen == [1] * 20
    status, article = get_json(f"{base}/api/v1/articles/breaking-1")
    assert status == 200 and article["outlet"] == "Test Wire"
    status, health = get_json(f"{base}/api/v1/health")
    assert health["documents"] == 6
    status, error = get_json(f"{base}/api/v1/search?per_page=0")
    assert status == 422 and "per_page" in error["errors"]["query"]


def test_searchapp_serve_answers_a_long_query_with_json(searchapp_serve):
    base, _ = searchapp_serve
    status, error = get_json(f"{base}/api/v1/search?q={'x' * 5000}")
    assert status == 422 and "q" in error["errors"]["query"]
    status, body = get_json(f"{base}/api/v1/search?q={'putin%20' * 150}")
    assert status == 200 and body["total"] == 5
