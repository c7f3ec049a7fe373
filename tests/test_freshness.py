"""An add and a delete through the real CLI reach both workers of a real gunicorn within a
second or so, and what they answer then (facet counts, canonical names, scores, similar
articles) is what a full rebuild of the same articles answers. `index add -` feeds a pipe."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
import urllib.parse

import pytest

from searchapp.api import create_app
from searchapp.engine import IndexStore, Searcher
from searchapp.ingest import SAMPLE_DIR
from tests.conftest import write_jsonl
from tests.servers import GUNICORN, ROOT, cli, eventually, get_json, serving

pytestmark = pytest.mark.slow  # builds, servers or faults: seconds each

DELETED = "003_97d4323494856c4c"
EXTRA = [
    {"id": "extra-1", "title": "Lavrov and Wang meet again in Beijing",
     "body": "Sergei Lavrov met Wang Yi in Beijing on Friday to discuss trade and Ukraine.",
     "outlet": "CNN", "published": "2023-03-03", "people": ["Sergei Lavrov", "Wang Yi"]},
    {"id": "extra-2", "title": "Putin praises ties with China",
     "body": "Vladimir Putin said relations with China had reached new heights, Lavrov added.",
     "outlet": "Reuters", "published": "2023-03-04",
     "people": ["Vladimir Putin", "Sergey Lavrov"]},
]
QUERIES = [
    {"q": "lavrov"}, {"q": '"wang yi"'}, {"q": "putin china", "facet_size": "20"},
    {"q": "person:lavrov"}, {"q": "", "sort": "newest"}, {"q": "trade", "outlet": "CNN"},
    {"q": "china", "person": "Sergei Lavrov"}, {"q": "diplom*"}, {"q": "published:2023-03"},
]


def _comparable(body: dict) -> dict:
    body.pop("took_ms", None)
    body.pop("generation", None)
    return body


def _answers(get) -> list:
    """What the API says for the query set, similar articles and facet values."""
    answers = [_comparable(get("/api/v1/search?" + urllib.parse.urlencode(q))) for q in QUERIES]
    for article_id in ("001_e714217c4ce465dd", "extra-1"):
        answers.append(get(f"/api/v1/articles/{article_id}/similar?limit=5"))
    answers.append(get("/api/v1/facets/person?prefix=la&size=20"))
    answers.append(get("/api/v1/facets/outlet?size=20"))
    return answers


@pytest.fixture
def served_and_rebuilt(tmp_path):
    """A served index changed by `add` and `delete`, and a rebuild of the same articles."""
    live_dir = tmp_path / "live"
    assert cli("index", "build", str(SAMPLE_DIR), "--index-dir", str(live_dir)).returncode == 0
    extra = write_jsonl(tmp_path / "extra.jsonl", EXTRA)
    sources = tmp_path / "sample"
    shutil.copytree(SAMPLE_DIR, sources)
    (sources / f"{DELETED}.txt").unlink()
    rebuilt_dir = tmp_path / "rebuilt"
    shutil.copy(live_dir / "people-cache.sqlite3", tmp_path / "cache.sqlite3")
    rebuilt_dir.mkdir()
    shutil.copy(tmp_path / "cache.sqlite3", rebuilt_dir / "people-cache.sqlite3")
    result = cli("index", "build", str(sources), str(extra), "--index-dir", str(rebuilt_dir))
    assert result.returncode == 0, result.stderr
    with serving(GUNICORN, live_dir) as base:
        assert get_json(f"{base}/api/v1/health")[1]["documents"] == 5
        started = time.monotonic()
        assert cli("index", "add", str(extra), "--index-dir", str(live_dir)).returncode == 0
        assert cli("index", "delete", DELETED, "--index-dir", str(live_dir)).returncode == 0
        committed = time.monotonic()
        assert eventually(lambda: all(
            get_json(f"{base}/api/v1/health")[1]["documents"] == 6 for _ in range(6)))
        yield base, rebuilt_dir, committed - started, time.monotonic() - committed


def test_add_and_delete_reach_both_workers_and_answer_like_a_rebuild(served_and_rebuilt):
    base, rebuilt_dir, _, visible_after = served_and_rebuilt
    assert visible_after < 5
    reference = create_app(rebuilt_dir).test_client()
    expected = _answers(lambda path: reference.get(path).json)
    for _ in range(3):  # requests land on either worker: each must agree
        assert _answers(lambda path: get_json(base + path)[1]) == expected
    people = {b["value"] for b in expected[0]["facets"]["person"]}
    assert "Sergey Lavrov" in people and "Sergei Lavrov" not in people


def test_a_feed_through_a_pipe_is_searchable_while_it_runs(tmp_path):
    index_dir = tmp_path / "index"
    assert cli("index", "build", str(SAMPLE_DIR), "--index-dir", str(index_dir)).returncode == 0
    feed = subprocess.Popen(
        [sys.executable, "-m", "searchapp.cli", "index", "add", "-", "--index-dir",
         str(index_dir)], cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True)
    searcher = Searcher(IndexStore(index_dir))
    try:
        for i in range(3):
            record = {"id": f"feed-{i}", "title": f"Feed story {i}",
                      "body": f"Zanzibarite number {i} was reported.", "people": ["Ann Example"]}
            feed.stdin.write(json.dumps(record) + "\n")
            feed.stdin.flush()
            assert eventually(lambda i=i: searcher.article(f"feed-{i}") is not None,
                              seconds=20), f"feed-{i} not searchable while the pipe is open"
        out, err = feed.communicate("not json\n", timeout=60)
    finally:
        if feed.poll() is None:
            feed.kill()
    assert feed.returncode == 0, err
    assert "added: 3 indexed" in out and "skipped: 1 invalid JSON" in out
    assert "<stdin>:4: invalid JSON" in err
    assert searcher.doc_count() == 8
