"""Builds whose enrichment runs on a real Dask cluster on 127.0.0.1: a `dask scheduler` and
two `dask worker` processes started here (without nannies, so a killed worker stays dead).
A cluster build must answer as a local build of the same articles does, survive a worker
killed with SIGKILL, and fail in one line, the live index serving, when its scheduler goes
or cannot be reached."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from searchapp.engine import IndexStore, Searcher
from searchapp.engine.types import SearchRequest
from searchapp.ingest import SAMPLE_DIR
from searchapp.pipeline import build_index
from tests.servers import ROOT, cli, descendants, free_port

pytestmark = pytest.mark.slow  # builds, servers or faults: seconds each

pytest.importorskip("distributed", reason="dask/distributed missing: pip install '.[test]'")

DASK = shutil.which("dask", path=str(Path(sys.executable).parent)) or shutil.which("dask")
QUERIES = ["", "putin", "lavrov wang", "china", "person:\"wang yi\"", "ukraine NOT war"]


def _corpus(path: Path, count: int) -> Path:
    """`count` articles made of the sample's texts, each with a paragraph of its own: the
    people model runs on every one (nothing is given), and copies make stories."""
    texts = []
    for file in sorted(SAMPLE_DIR.glob("*.txt")):
        title, _, body = file.read_text(encoding="utf-8").strip().partition("\n")
        texts.append((title.strip(), body.strip()))
    outlets = ["CNN", "Reuters", "AP", "BBC"]
    with open(path, "w", encoding="utf-8") as handle:
        for i in range(count):
            title, body = texts[i % len(texts)]
            extra = "" if i % 7 == 0 else f"\n\nUpdate {i}: officials met again on day {i}."
            handle.write(json.dumps({"id": f"k{i}", "title": f"{title} ({i})", "body": body + extra,
                                     "outlet": outlets[i % 4],
                                     "published": f"2023-0{1 + i % 9}-1{i % 10}"}) + "\n")
    return path


def _answers(index_dir: Path) -> list:
    """Per query: the total, every match's people and story, the top hits' scores, and
    the facet counts. (Which of many hits of equal score make the top 50 depends on the
    order whoosh's two writer processes wrote them, which differs between builds.)"""
    searcher = Searcher(IndexStore(index_dir))
    found = []
    for q in QUERIES:
        request = SearchRequest(q=q, per_page=50, facet_size=100)
        result = searcher.search(request)
        export = searcher.export(request)
        try:
            matches = sorted((r.id, tuple(r.people), r.story) for r in export)
        finally:
            export.close()
        scores = sorted(round(h.score or 0.0, 6) for h in result.hits)
        found.append((q, result.total, matches, scores,
                      {name: sorted((b.value, b.count) for b in buckets)
                       for name, buckets in result.facets.items()}))
    return found


@contextmanager
def dask_cluster(workers: int = 2, env: list[dict] | None = None
                 ) -> Iterator[tuple[str, subprocess.Popen, list[subprocess.Popen]]]:
    """A scheduler and `workers` single-threaded workers on 127.0.0.1, always stopped."""
    if DASK is None:
        pytest.fail("the dask command is missing although distributed is installed")
    port = free_port()
    address = f"tcp://127.0.0.1:{port}"
    common = dict(os.environ)
    scheduler = subprocess.Popen([DASK, "scheduler", "--host", "127.0.0.1", "--port", str(port),
                                  "--no-dashboard"], env=common,
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    started = [scheduler]
    try:
        procs = []
        for i in range(workers):
            procs.append(subprocess.Popen(
                [DASK, "worker", address, "--nthreads", "1", "--no-nanny", "--no-dashboard",
                 "--name", f"w{i}", "--host", "127.0.0.1"],
                env={**common, **((env or [{}] * workers)[i])},
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
            started.append(procs[-1])
        _wait_for_workers(address, workers)
        yield address, scheduler, procs
    finally:
        for process in reversed(started):
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in started:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _wait_for_workers(address: str, count: int) -> None:
    from distributed import Client

    client = Client(address, timeout=30, set_as_default=False)
    try:
        client.wait_for_workers(count, timeout=60)
    finally:
        client.close()


def _build(source: Path, index_dir: Path, *extra: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "searchapp.cli", "index", "build",
                             str(source), "--index-dir", str(index_dir), *extra],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _cached(index_dir: Path) -> int:
    import sqlite3

    path = index_dir / "people-cache.sqlite3"
    if not path.exists():
        return 0
    try:
        with sqlite3.connect(path, timeout=1) as db:
            return db.execute("SELECT COUNT(*) FROM people").fetchone()[0]
    except sqlite3.Error:
        return 0


def _wait(check, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.1)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    return _corpus(tmp_path_factory.mktemp("corpus") / "articles.jsonl", 240)


@pytest.fixture(scope="module")
def local_answers(corpus, tmp_path_factory) -> list:
    index_dir = tmp_path_factory.mktemp("local") / "index"
    build_index(IndexStore(index_dir), [corpus], workers=2)
    return _answers(index_dir)


def test_a_cluster_build_answers_as_a_local_build_and_survives_a_killed_worker(
        corpus, local_answers, tmp_path):
    with dask_cluster(2) as (address, _, workers):
        index_dir = tmp_path / "index"
        build = _build(corpus, index_dir, "--cluster", address)
        try:
            # kill -9 one worker once the build is under way (some batches back, not all)
            _wait(lambda: _cached(index_dir) >= 40 or build.poll() is not None)
            assert build.poll() is None, build.communicate()
            workers[0].send_signal(signal.SIGKILL)
            out, err = build.communicate(timeout=300)
        finally:
            if build.poll() is None:
                build.kill()
        assert build.returncode == 0, err
        assert out.startswith("built: 240 indexed, 0 skipped"), out
    assert _answers(index_dir) == local_answers
    assert Searcher(IndexStore(index_dir)).doc_count() == 240
    assert _cached(index_dir) == 240, "the people cache is filled from the workers' results"
    # a warm rebuild needs no cluster: every article's people come from the cache
    result = cli("index", "build", str(corpus), "--index-dir", str(index_dir), "--workers", "1")
    assert result.returncode == 0, result.stderr
    assert _answers(index_dir) == local_answers


def test_a_scheduler_gone_mid_build_is_one_line_and_the_live_index_serves(corpus, tmp_path):
    index_dir = tmp_path / "index"
    build_index(IndexStore(index_dir), [SAMPLE_DIR])
    store = IndexStore(index_dir)
    live, generations = store.current_name(), sorted(p.name for p in store.generations())
    with dask_cluster(2) as (address, scheduler, _):
        build = _build(corpus, index_dir, "--cluster", address)
        try:
            _wait(lambda: _cached(index_dir) >= 20 or build.poll() is not None)
            assert build.poll() is None, build.communicate()
            scheduler.send_signal(signal.SIGKILL)
            out, err = build.communicate(timeout=120)
        finally:
            if build.poll() is None:
                build.kill()
    assert build.returncode == 1, (out, err)
    assert "Traceback" not in err and "ERROR" not in err, err
    [line] = [line for line in err.splitlines() if line.startswith("error:")]
    assert line.startswith(f"error: lost the Dask scheduler at {address} mid-build"), line
    assert "the live index is unchanged" in line
    assert store.current_name() == live
    assert sorted(p.name for p in store.generations()) == generations, "no half-built one left"
    assert Searcher(store).doc_count() == 5
    assert not descendants(build.pid)


def test_a_cluster_that_cannot_take_the_build_is_refused_before_any_work(corpus, tmp_path):
    index_dir = tmp_path / "index"
    closed = f"tcp://127.0.0.1:{free_port()}"
    result = cli("index", "build", str(corpus), "--index-dir", str(index_dir),
                 env={"SEARCHAPP_CLUSTER": closed})
    assert result.returncode == 1
    assert result.stderr.strip().splitlines()[-1].startswith(
        f"error: cannot reach the Dask scheduler at {closed}")
    assert not index_dir.exists() or not IndexStore(index_dir).generations()
    result = cli("index", "build", str(corpus), "--index-dir", str(index_dir),
                 "--cluster", "localhost:8786")
    assert result.returncode == 1 and "is not a scheduler address" in result.stderr


def test_a_worker_of_another_release_is_refused_with_a_clear_error(corpus, tmp_path):
    """A worker whose searchapp has another extractor version (a copy of the package
    with other rules) must not put its people into the index."""
    other = tmp_path / "other-release"
    shutil.copytree(ROOT / "searchapp", other / "searchapp",
                    ignore=shutil.ignore_patterns("__pycache__", "model", "*.npz"))
    (other / "searchapp" / "enrich" / "model").symlink_to(ROOT / "searchapp" / "enrich" / "model")
    (other / "searchapp" / "enrich" / "lexicon.npz").symlink_to(
        ROOT / "searchapp" / "enrich" / "lexicon.npz")
    version_file = other / "searchapp" / "enrich" / "extractor_version.py"
    text = version_file.read_text()
    version_file.write_text(text.replace('RULES_VERSION = "', 'RULES_VERSION = "other-'))
    index_dir = tmp_path / "index"
    with dask_cluster(2, env=[{}, {"PYTHONPATH": str(other)}]) as (address, _, _):
        result = cli("index", "build", str(corpus), "--index-dir", str(index_dir),
                     "--cluster", address)
    assert result.returncode == 1
    line = result.stderr.strip().splitlines()[-1]
    assert line.startswith("error: 1 of 2 workers run another people extractor"), line
    assert "install the same searchapp release on every worker" in line
    assert not index_dir.exists() or not IndexStore(index_dir).generations()
