"""`searchapp index sync`: a replica served by a second real server answers as the source's
server does, follows the source after an add by copying only what changed, and a sync
killed half way leaves the replica serving what it served."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

import pytest

from searchapp.engine import IndexStore
from searchapp.engine.index.replica import MANIFEST_NAME, STAGING_PREFIX
from searchapp.ingest import SAMPLE_DIR
from searchapp.pipeline import build_index
from tests.conftest import write_jsonl
from tests.servers import GUNICORN, ROOT, cli, eventually, get_json, serving

QUERIES = [{"q": ""}, {"q": "putin"}, {"q": "lavrov", "facets": "person"},
           {"q": "\"top diplomat\""}, {"person": "Wang Yi"}, {"q": "zanzibarite"}]
NEW = [{"id": "fresh-1", "title": "Zanzibarite found in Moscow",
        "body": "Sergey Lavrov spoke about zanzibarite, a new mineral.", "outlet": "Wire",
        "published": "2023-03-01", "people": ["Sergey Lavrov"]}]


def _answers(base: str) -> list:
    found = []
    for query in QUERIES:
        status, body = get_json(f"{base}/api/v1/search?" + urllib.parse.urlencode(query))
        assert status == 200
        body.pop("took_ms")
        found.append(body)
    return found


@pytest.fixture
def source(tmp_path) -> Path:
    root = tmp_path / "source"
    build_index(IndexStore(root), [SAMPLE_DIR])
    return root


def test_a_replica_answers_as_the_source_and_follows_it_after_an_add(source, tmp_path):
    replica = tmp_path / "replica"
    first = cli("index", "sync", str(source), str(replica))
    assert first.returncode == 0, first.stderr
    assert "synced gen-" in first.stdout and "5 articles" in first.stdout
    with serving(GUNICORN, source) as src, serving(GUNICORN, replica) as dst:
        assert _answers(dst) == _answers(src)
        served = get_json(f"{dst}/api/v1/health")[1]
        assert cli("index", "add", str(write_jsonl(tmp_path / "new.jsonl", NEW)),
                   "--index-dir", str(source)).returncode == 0
        again = cli("index", "sync", str(source), "--to", str(replica))
        assert again.returncode == 0, again.stderr
        # only the add's new files were copied; the rest are links to the last copy
        assert "unchanged files linked" in again.stdout
        linked = int(again.stdout.split(" copied, ")[1].split()[0])
        assert linked > 0
        # Requests land on either worker, and one may still be moving to the new copy when
        # the other answers: six answers in a row from one worker proved nothing of the
        # other (CI once saw the old generation on the very next request). Each check is
        # retried until it holds on whichever worker answers.
        for base in (src, dst):
            assert eventually(lambda base=base: all(
                get_json(f"{base}/api/v1/health")[1]["documents"] == 6 for _ in range(6)))
        assert eventually(lambda: all(get_json(f"{dst}/api/v1/health")[1] != served
                                      for _ in range(6)))
        assert eventually(lambda: _answers(dst) == _answers(src))
    same = cli("index", "sync", str(source), str(replica))
    assert same.returncode == 0 and same.stdout.startswith("up to date:")
    store = IndexStore(replica)
    manifest = json.loads((store.current_path() / MANIFEST_NAME).read_text())
    assert manifest["source_generation"] == IndexStore(source).current_name()
    assert len(store.generations()) <= 2


def test_a_sync_killed_mid_copy_leaves_the_replica_serving_the_old_copy(source, tmp_path):
    replica = tmp_path / "replica"
    assert cli("index", "sync", str(source), str(replica)).returncode == 0
    before = IndexStore(replica).current_name()
    # the source moves on (a rebuild with one more article), then a slow sync is killed
    extra = write_jsonl(tmp_path / "new.jsonl", NEW)
    build_index(IndexStore(source), [SAMPLE_DIR, extra])
    with serving(GUNICORN, replica) as dst:
        answers = _answers(dst)
        sync = subprocess.Popen([sys.executable, "-m", "searchapp.cli", "index", "sync",
                                 str(source), str(replica), "--bwlimit", "40K"], cwd=ROOT,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        try:
            deadline = time.monotonic() + 60
            while not any(p.is_dir() and any(p.rglob("*"))
                          for p in replica.glob(STAGING_PREFIX + "*")):
                assert sync.poll() is None, sync.communicate()
                assert time.monotonic() < deadline
                time.sleep(0.05)
            time.sleep(1.0)  # some files copied, far from all (300 KB at 40 KB/s)
            assert sync.poll() is None, "the sync ended before it could be killed"
            sync.send_signal(signal.SIGKILL)
            sync.wait(timeout=10)
        finally:
            if sync.poll() is None:
                sync.kill()
        assert IndexStore(replica).current_name() == before
        assert get_json(f"{dst}/api/v1/health")[1]["documents"] == 5
        assert _answers(dst) == answers, "the replica never saw the half-copied generation"
        assert list(replica.glob(STAGING_PREFIX + "*")), "the copy was killed half way"
        # the next sync clears what the killed one left and completes
        result = cli("index", "sync", str(source), str(replica))
        assert result.returncode == 0, result.stderr
        assert result.stdout.startswith("removed 1 unfinished copies of earlier syncs")
        assert not list(replica.glob(STAGING_PREFIX + "*"))
        assert eventually(lambda: all(
            get_json(f"{dst}/api/v1/health")[1]["documents"] == 6 for _ in range(6)))


def test_sync_refuses_what_it_cannot_copy_in_one_line(source, tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    for args, expected in (
            ((str(empty), str(tmp_path / "r")), "no index in"),
            ((str(source), str(source)), "the source and the destination are the same"),
            ((str(source),), "name the destination index folder"),
            ((str(source), str(tmp_path / "a"), "--to", str(tmp_path / "b")),
             "give the destination once")):
        result = cli("index", "sync", *args)
        assert result.returncode == 1, (args, result.stdout)
        assert "Traceback" not in result.stderr
        [line] = [x for x in result.stderr.splitlines() if x.startswith("error:")]
        assert expected in line, line
    # a file in a generation that is not a regular file is not copied
    live = IndexStore(source).current_path()
    (live / "stray-link").symlink_to("/etc/passwd")
    result = cli("index", "sync", str(source), str(tmp_path / "r2"))
    assert result.returncode == 1 and "is not a regular file" in result.stderr
    assert not (tmp_path / "r2").exists() or not IndexStore(tmp_path / "r2").generations()


@pytest.mark.parametrize("rate,expected", [("500K", 500 * 1024), ("20M", 20 * 2**20),
                                           ("1.5MB/s", 1.5 * 2**20), ("4096", 4096.0)])
def test_bwlimit_reads_rates(rate, expected):
    from searchapp.cli import build_parser

    args = build_parser().parse_args(["index", "sync", "a", "b", "--bwlimit", rate])
    assert args.bwlimit == expected


@pytest.mark.parametrize("rate", ["nan", "inf", "-5M", "0", "fast", "5X"])
def test_bwlimit_refuses_what_is_not_a_rate(rate, tmp_path):
    result = cli("index", "sync", str(tmp_path), str(tmp_path / "b"), "--bwlimit", rate)
    assert result.returncode == 2 and "--bwlimit" in result.stderr
    assert "Traceback" not in result.stderr
