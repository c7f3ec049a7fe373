"""A real gunicorn with several workers on 127.0.0.1 picks up a rebuilt index by itself."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from searchapp.engine import IndexStore
from searchapp.ingest import SAMPLE_DIR
from searchapp.pipeline import build_index
from tests.conftest import write_jsonl
from tests.servers import (
    GUNICORN,
    SEARCHAPP_SERVE,
    children,
    eventually,
    fetch,
    get_json,
    server_process,
    serving,
)


@pytest.fixture
def sample_copy(tmp_path):
    index_dir = tmp_path / "index"
    build_index(IndexStore(index_dir))
    return index_dir


def test_rebuild_while_serving_shows_the_new_article_without_restart(sample_copy, tmp_path):
    with serving(GUNICORN, sample_copy) as base:
        query = f"{base}/api/v1/search?q=zanzibarite"
        status, body = get_json(query)
        assert (status, body["total"]) == (200, 0)
        extra = write_jsonl(tmp_path / "new.jsonl", [{
            "id": "breaking-1", "title": "Zanzibarite found in Moscow",
            "body": "A new mineral, zanzibarite, was described on Wednesday.",
            "outlet": "Test Wire", "published": "2023-02-23",
        }])
        build_index(IndexStore(sample_copy), [SAMPLE_DIR, extra])
        # Each worker follows the switch in the background, within a second.
        assert eventually(lambda: all(get_json(query)[1]["total"] == 1 for _ in range(6)))
        seen = [get_json(query)[1]["total"] for _ in range(20)]
        assert seen == [1] * 20
        status, article = get_json(f"{base}/api/v1/articles/breaking-1")
        assert status == 200 and article["outlet"] == "Test Wire"
        status, health = get_json(f"{base}/api/v1/health")
        assert health["documents"] == 6
        status, error = get_json(f"{base}/api/v1/search?per_page=0")
        assert status == 422 and "per_page" in error["errors"]["query"]


def test_searchapp_serve_answers_a_long_query_with_json(sample_copy):
    with serving(SEARCHAPP_SERVE + ["--index-dir", str(sample_copy)], sample_copy) as base:
        status, error = get_json(f"{base}/api/v1/search?q={'x' * 5000}")
        assert status == 422 and "q" in error["errors"]["query"]
        status, body = get_json(f"{base}/api/v1/search?q={'putin%20' * 150}")
        assert status == 200 and body["total"] == 5


def test_gunicorn_runs_the_installed_package_from_any_folder(sample_copy, tmp_path):
    """The documented command for an installed package, run where no wsgi.py or
    gunicorn.conf.py is: searchapp's settings apply (a JSON 414, two workers)."""
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    command = [sys.executable, "-m", "gunicorn", "-c", "python:searchapp.server.settings",
               "--bind", "127.0.0.1:{port}", "searchapp.wsgi:app"]
    with server_process(command, sample_copy, cwd=elsewhere) as (base, process):
        status, body = get_json(f"{base}/api/v1/search?q=lavrov")
        assert status == 200 and body["total"] >= 1
        status, headers, raw = fetch(f"{base}/api/v1/search?q={'x' * 40_000}")
        assert status == 414 and headers["Content-Type"].startswith("application/json")
        assert json.loads(raw)["code"] == 414
        assert eventually(lambda: len(children(process.pid)) == 2)


def test_serve_help_lists_every_option():
    text = subprocess.run([sys.executable, "-m", "searchapp.cli", "serve", "--help"],
                          capture_output=True, text=True, check=True).stdout
    for option in ("--index-dir", "--host", "--port", "--workers", "SEARCHAPP_REQUEST_BUDGET",
                   "SEARCHAPP_CORS_ORIGINS", "searchapp.wsgi:app"):
        assert option in text, option
    assert "default: 8000" in text and "default: 127.0.0.1" in text
