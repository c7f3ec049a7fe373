"""Fault suite, serving: hostile requests and a damaged index against a real gunicorn on
127.0.0.1 started as `gunicorn wsgi:app` (so gunicorn.conf.py applies, as for a user).
Every answer is JSON; nothing takes a worker down; only http(s) links leave the API."""

from __future__ import annotations

import json
import os
import shutil
import socket
import time
import urllib.parse
from pathlib import Path

import pytest

from searchapp.api import create_app
from searchapp.article import Article
from searchapp.engine import Indexer, IndexStore
from searchapp.ingest import SAMPLE_DIR
from searchapp.pipeline import build_index
from tests.conftest import write_jsonl
from tests.servers import (
    GUNICORN,
    children,
    cli,
    eventually,
    fetch,
    get_json,
    server_process,
    serving,
)

SCRIPT_URLS = ["javascript:alert(document.domain)", "JaVaScRiPt:alert(1)",
               "java\tscript:alert(1)", " javascript:alert(1)", "data:text/html,<b>x</b>"]
BIG_BODY_WORDS = 2_000_000  # about 12 MB of text in one JSON line


def _hostile_sources(folder: Path) -> list[Path]:
    records = [{"id": f"xss{i}", "title": f"Story with a bad link {i}",
                "body": "Sergey Lavrov spoke about links.", "url": url,
                "people": ["Sergey Lavrov"]} for i, url in enumerate(SCRIPT_URLS)]
    records.append({"id": "good-link", "title": "Story with a good link", "body": "Fine.",
                    "url": "https://example.org/story", "people": ["Sergey Lavrov"]})
    records.append({"id": "huge", "title": "An enormous article about zanzibarite",
                    "body": "zanzibarite " + "word " * BIG_BODY_WORDS, "people": ["Ann Example"]})
    texts = folder / "texts"
    texts.mkdir()
    with open(texts / "enormous.txt", "w", encoding="utf-8") as handle:
        handle.write("A fifty megabyte text file\n\n")
        for _ in range(50):
            handle.write("quartzite " * 100_000)
    return [SAMPLE_DIR, write_jsonl(folder / "hostile.jsonl", records), texts]


@pytest.fixture(scope="module")
def hostile_index(tmp_path_factory) -> tuple[Path, str]:
    folder = tmp_path_factory.mktemp("hostile")
    index_dir = folder / "index"
    result = cli("index", "build", *map(str, _hostile_sources(folder)), "--index-dir",
                 str(index_dir), timeout=600)
    assert result.returncode == 0, result.stderr
    return index_dir, result.stdout


@pytest.fixture(scope="module")
def server(hostile_index):
    with serving(GUNICORN, hostile_index[0]) as base:
        yield base


def test_script_links_are_dropped_at_ingest_and_counted(hostile_index, server):
    _, summary = hostile_index
    assert f"cleaned: {len(SCRIPT_URLS)} links dropped (not an http or https URL)" in summary
    for i in range(len(SCRIPT_URLS)):
        status, article = get_json(f"{server}/api/v1/articles/xss{i}")
        assert status == 200 and article["url"] == ""
    assert get_json(f"{server}/api/v1/articles/good-link")[1]["url"] == \
        "https://example.org/story"


def test_an_index_written_before_the_check_still_never_serves_a_script_link(tmp_path):
    store = IndexStore(tmp_path / "index")
    Indexer(store).rebuild([Article(id=f"old{i}", title="Old", body="Old text.", url=url,
                                    people=["X Y"]) for i, url in enumerate(SCRIPT_URLS)])
    client = create_app(store.root).test_client()
    for i in range(len(SCRIPT_URLS)):
        assert client.get(f"/api/v1/articles/old{i}").json["url"] == ""
    hits = client.get("/api/v1/search", query_string={"q": "old"}).json["results"]
    assert hits and all(hit["url"] == "" for hit in hits)


def test_huge_articles_are_cut_and_stay_cheap_to_serve(hostile_index, server):
    _, summary = hostile_index
    assert "cleaned: 2 article bodies cut to 200,000 characters" in summary
    for article_id, word in (("huge", "zanzibarite"), ("enormous", "quartzite")):
        status, article = get_json(f"{server}/api/v1/articles/{article_id}")
        assert status == 200 and len(article["body"]) <= 200_000
        status, body = get_json(f"{server}/api/v1/search?q={word}")
        assert status == 200 and body["total"] == 1
        status, similar = get_json(f"{server}/api/v1/articles/{article_id}/similar")
        assert status == 200 and isinstance(similar["results"], list)


WORST_QUERIES = {
    "*": 200, "**": 200, "*:*": 200, "title:*": 200, "a*": 200, "tru*": 200,
    "*e*": 422, "*ing": 422, "[a TO z]": 422, "title:[a TO z]": 200,
    "a" * 1000: 200, " ".join(f"qwxzpt{i:03d}vbnmlkjh" for i in range(50)): 200,
    "中" * 1000: 200, "😀" * 1000: 200, "(" * 400 + "a" + ")" * 400: 200,
    "putin^99999999999999999999 xi": 200,
}


@pytest.mark.parametrize("q", list(WORST_QUERIES), ids=lambda q: q[:20])
def test_worst_queries_get_a_result_or_a_422_naming_q(server, q):
    status, body = get_json(f"{server}/api/v1/search?" + urllib.parse.urlencode({"q": q}))
    assert status == WORST_QUERIES[q], body
    if status == 422:
        assert body["errors"]["query"]["q"], body
    else:
        assert isinstance(body["total"], int)
        assert all(isinstance(hit["score"], (float, type(None))) for hit in body["results"])
    assert get_json(f"{server}/api/v1/health")[0] == 200


def test_a_query_over_its_time_budget_is_a_503_json_and_the_worker_lives(hostile_index):
    with serving(GUNICORN, hostile_index[0], env={"SEARCHAPP_REQUEST_BUDGET": "0.001"}) as base:
        long_q = urllib.parse.quote(" ".join(["lavrov wang putin xi beijing moscow"] * 25))
        status, headers, body = fetch(f"{base}/api/v1/search?q={long_q}")
        assert status == 503 and headers["Content-Type"] == "application/json"
        assert "budget" in json.loads(body)["message"] and headers["Retry-After"]
        assert get_json(f"{base}/api/v1/health")[0] == 200


def _raw(base: str, request: bytes) -> tuple[int, dict, bytes]:
    host, port = urllib.parse.urlsplit(base).netloc.split(":")
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        sock.sendall(request)
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = dict(line.split(": ", 1) for line in lines[1:] if ": " in line)
    return int(lines[0].split()[1]), headers, body


def test_protocol_errors_are_json_under_plain_gunicorn(server):
    status, headers, body = fetch(f"{server}/api/v1/search", method="OPTIONS")
    assert status == 204 and "text/html" not in headers.get("Content-Type", "")
    assert "GET" in headers["Allow"]
    status, headers, body = fetch(f"{server}/api/v1/search", method="TRACE")
    assert status == 405 and json.loads(body)["code"] == 405 and "GET" in headers["Allow"]
    status, headers, body = fetch(f"{server}/api/v1//search")
    assert status == 404 and json.loads(body)["code"] == 404
    status, headers, body = fetch(f"{server}/api/v1/search?q={'x' * 40_000}")
    assert status == 414 and json.loads(body)["code"] == 414
    status, headers, body = _raw(server, b"GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + b"y" * 9000
                                 + b"\r\n\r\n")
    assert status in (400, 431) and json.loads(body)["code"] == status
    # a body declared at 10 MB is refused from its headers, before a byte of it is read
    status, headers, body = _raw(server, b"GET /api/v1/search?q=x HTTP/1.1\r\nHost: x\r\n"
                                 b"Content-Length: 10000000\r\n\r\nxyz")
    assert status == 413 and json.loads(body)["code"] == 413
    status, headers, body = _raw(server, b"NOT A REQUEST\r\n\r\n")
    assert status == 400 and headers["Content-Type"] == "application/json"
    assert json.loads(body)["code"] == 400
    status, headers, body = fetch(f"{server}/nothing-here")
    assert status == 404 and json.loads(body)["code"] == 404


@pytest.mark.slow
def test_a_client_that_stalls_neither_holds_nor_kills_a_worker(hostile_index):
    with server_process(GUNICORN, hostile_index[0]) as (base, master):
        assert eventually(lambda: len(children(master.pid)) == 2)
        workers = children(master.pid)
        host, port = urllib.parse.urlsplit(base).netloc.split(":")
        with socket.create_connection((host, int(port)), timeout=30) as stalled:
            stalled.sendall(b"GET /api/v1/health HTTP/1.1\r\nHost: loc")  # and nothing more
            for _ in range(3):  # the other worker answers meanwhile
                assert get_json(f"{base}/api/v1/health", timeout=5)[0] == 200
            started = time.monotonic()
            assert stalled.recv(1024) == b"", "the server closes the stalled connection"
            assert time.monotonic() - started < 15
        assert get_json(f"{base}/api/v1/health")[0] == 200
        assert children(master.pid) == workers, "no worker was killed and replaced"


def test_security_headers_on_the_page_the_api_and_errors(server):
    for path in ("/", "/api/v1/search?q=lavrov", "/api/v1/nothing", "/api/v1/docs"):
        status, headers, _ = fetch(server + path)
        assert "script-src 'self'" in headers["Content-Security-Policy"], path
        assert "unsafe-inline" not in headers["Content-Security-Policy"]
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "no-referrer"
    _, _, docs = fetch(server + "/api/v1/docs")
    assert b"<script>" not in docs, "the docs page starts Swagger UI from a file"


def test_cors_is_off_by_default_and_on_for_configured_origins(sample_index, monkeypatch):
    origin = "https://news.example"
    closed = create_app(sample_index).test_client()
    response = closed.get("/api/v1/search", headers={"Origin": origin})
    assert "Access-Control-Allow-Origin" not in response.headers
    monkeypatch.setenv("SEARCHAPP_CORS_ORIGINS", f"{origin}, https://other.example")
    open_ = create_app(sample_index).test_client()
    response = open_.get("/api/v1/search", headers={"Origin": origin})
    assert response.headers["Access-Control-Allow-Origin"] == origin
    preflight = open_.options("/api/v1/search", headers={
        "Origin": origin, "Access-Control-Request-Method": "GET"})
    assert preflight.status_code < 300
    assert preflight.headers["Access-Control-Allow-Origin"] == origin
    stranger = open_.get("/api/v1/search", headers={"Origin": "https://evil.example"})
    assert "Access-Control-Allow-Origin" not in stranger.headers


def test_a_corrupted_current_pointer_is_a_503_json_not_another_index(tmp_path):
    index_dir = tmp_path / "index"
    build_index(IndexStore(index_dir))
    elsewhere = tmp_path / "elsewhere"
    build_index(IndexStore(elsewhere), [write_jsonl(tmp_path / "other.jsonl", [
        {"id": "secret", "title": "Not for this index", "body": "Private.",
         "people": ["X Y"]}])])
    outside = IndexStore(elsewhere).current_name()
    (index_dir / "gen-fake").mkdir()
    pointer = index_dir / "CURRENT"
    good = pointer.read_bytes()
    with serving(GUNICORN, index_dir) as base:
        for bad in (f"../elsewhere/{outside}\n".encode(), b"\x00\xff\xfe binary",
                    b"gen-doesnotexist\n", b"gen-fake\n", b"/etc\n"):
            pointer.write_bytes(bad)
            for path in ("/api/v1/search", "/api/v1/health", "/api/v1/articles/secret"):
                status, headers, body = fetch(base + path)
                assert status == 503, (bad, path, body)
                assert headers["Content-Type"] == "application/json"
        pointer.unlink()
        pointer.mkdir()
        assert fetch(base + "/api/v1/search")[0] == 503
        pointer.rmdir()
        pointer.write_bytes(good)
        assert get_json(base + "/api/v1/search")[1]["total"] == 5


def test_serve_refuses_to_start_on_a_damaged_index(tmp_path):
    index_dir = tmp_path / "index"
    build_index(IndexStore(index_dir))
    shutil.rmtree(IndexStore(index_dir).current_path())
    result = cli("serve", "--index-dir", str(index_dir), "--port", "1")
    assert result.returncode == 1 and "missing or holds no index" in result.stderr
    assert os.path.exists(index_dir / "CURRENT")


def test_a_damaged_table_of_contents_is_a_503_and_a_one_line_cli_error(tmp_path):
    index_dir = tmp_path / "index"
    build_index(IndexStore(index_dir))
    toc = next(IndexStore(index_dir).current_path().glob("_MAIN_*.toc"))
    toc.write_bytes(b"garbage")
    client = create_app(index_dir).test_client()
    for path in ("/api/v1/search?q=putin", "/api/v1/health", "/api/v1/articles/x"):
        response = client.get(path)
        assert response.status_code == 503 and "rebuild" in response.json["message"]
    result = cli("index", "stats", "--index-dir", str(index_dir))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.startswith("error: the live generation")
