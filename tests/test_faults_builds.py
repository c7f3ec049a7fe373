"""Fault suite, builds: what a careless operator or a crash does to the index, through the real
CLI in its own process. The live index must keep serving, nothing committed may be lost,
and every failure is one `error:` line, never a traceback."""

from __future__ import annotations

import gzip
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from searchapp.children import autogroups_enabled
from searchapp.engine import IndexStore, Searcher
from searchapp.engine.types import SearchRequest
from searchapp.ingest import SAMPLE_DIR
from searchapp.pipeline import build_index
from tests.conftest import write_jsonl
from tests.servers import ROOT, children, cli, descendants

pytestmark = pytest.mark.slow  # builds, servers or faults: seconds each

SAMPLE_COUNT = 5
# A rebuild held with Ctrl-Z as soon as its generation exists: it needs to last only until
# then, and every article more is time the test waits once the refusal is checked.
HELD_BUILD_ARTICLES = 4_000


def live(index_dir: Path) -> tuple[str, int]:
    store = IndexStore(index_dir)
    return store.current_name(), Searcher(store).doc_count()


def generation_names(index_dir: Path) -> list[str]:
    return sorted(p.name for p in IndexStore(index_dir).generations())


def one_line_error(result: subprocess.CompletedProcess, expected: str) -> None:
    assert result.returncode == 1, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr + result.stdout
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and expected in errors[0], result.stderr


@pytest.fixture
def live_index(tmp_path) -> Path:
    index_dir = tmp_path / "index"
    build_index(IndexStore(index_dir))
    return index_dir


def generated(path: Path, count: int, prefix: str = "g") -> Path:
    """`count` small articles whose people are given (so no model runs): fast to index."""
    body = "Sergey Lavrov met Wang Yi in Moscow on Wednesday to talk about trade. " * 20
    with open(path, "w", encoding="utf-8") as handle:
        for i in range(count):
            handle.write(json.dumps({
                "id": f"{prefix}{i}", "title": f"Generated story {i}", "body": body,
                "outlet": "Wire", "published": "2023-02-22",
                "people": ["Sergey Lavrov", "Wang Yi"]}) + "\n")
    return path


def _bad_sources(tmp_path: Path) -> dict[str, tuple[Path, str]]:
    empty = tmp_path / "empty"
    empty.mkdir(exist_ok=True)
    utf16 = tmp_path / "utf16.jsonl"
    utf16.write_text(json.dumps({"title": "T", "body": "B"}) + "\n", encoding="utf-16")
    unmapped = write_jsonl(tmp_path / "unmapped.jsonl", [
        {"headline": "Lavrov in Delhi", "text": "Sergey Lavrov arrived."}] * 3)
    (tmp_path / "data.json").write_text("[]")
    return {
        "empty folder": (empty, "indexed no articles"),
        "mistyped path": (tmp_path / "artciles.jsonl", "no such file or folder"),
        ".json file": (tmp_path / "data.json", "unknown source type"),
        "UTF-16 file": (utf16, "indexed no articles"),
        "forgotten --map": (unmapped, "indexed no articles"),
    }


@pytest.mark.parametrize("kind", ["empty folder", "mistyped path", ".json file",
                                  "UTF-16 file", "forgotten --map"])
def test_a_build_that_reads_nothing_never_goes_live_even_twice(live_index, tmp_path, kind):
    source, message = _bad_sources(tmp_path)[kind]
    before, generations = live(live_index), generation_names(live_index)
    for _ in range(2):  # two in a row once deleted the last good generation
        one_line_error(cli("index", "build", str(source), "--index-dir", str(live_index)),
                       message)
    assert live(live_index) == before == (before[0], SAMPLE_COUNT)
    assert generation_names(live_index) == generations


def test_the_build_summary_says_why_nothing_was_read(live_index, tmp_path):
    sources = _bad_sources(tmp_path)
    result = cli("index", "build", str(sources["UTF-16 file"][0]), "--index-dir", str(live_index))
    assert "UTF-16 text (save the file as UTF-8)" in result.stdout + result.stderr
    source = sources["forgotten --map"][0]
    result = cli("index", "build", str(source), "--index-dir", str(live_index))
    assert "skipped: 3 missing or empty 'body'" in result.stdout


def test_a_much_smaller_build_needs_allow_shrink(tmp_path):
    live_index = tmp_path / "index"  # the user's own articles (the sample may be replaced)
    build_index(IndexStore(live_index), [SAMPLE_DIR])
    small = write_jsonl(tmp_path / "one.jsonl", [{"id": "only", "title": "T", "body": "B",
                                                  "people": ["Nobody Known"]}])
    before = live(live_index)
    one_line_error(cli("index", "build", str(small), "--index-dir", str(live_index)),
                   "--allow-shrink")
    assert live(live_index) == before
    result = cli("index", "build", str(small), "--index-dir", str(live_index),
                 "--allow-shrink")
    assert result.returncode == 0, result.stderr
    assert live(live_index)[1] == 1


def test_pruning_keeps_the_live_and_previous_generation_and_drops_unfinished(live_index):
    first = live(live_index)[0]
    store = IndexStore(live_index)
    unfinished = store.create_generation()  # what a killed build leaves behind
    build_index(store)
    second = live(live_index)[0]
    assert not unfinished.exists()
    build_index(store)
    names = generation_names(live_index)
    assert live(live_index)[0] in names and second in names and first not in names
    assert len(names) == 2


def _wait_for(predicate, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError("timed out")
        time.sleep(0.05)


def _state(pid: int) -> str:
    """The process's one-letter state from /proc (T: stopped), or "" once it is gone."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return ""


def _suspend(build: subprocess.Popen) -> None:
    """Ctrl-Z the build as a terminal would (SIGTSTP) and wait until it is held: the command
    and, with autogroups, the child of its own session that does the work."""
    build.send_signal(signal.SIGTSTP)
    held = [build.pid] + (children(build.pid)[:1] if autogroups_enabled() else [])
    _wait_for(lambda: all(_state(pid) == "T" for pid in held), seconds=10)


def _alive(pid: int) -> bool:
    return _state(pid) not in ("", "Z")


def _interruptible() -> None:
    # a test run started in the background inherits SIGINT ignored; a terminal's Ctrl-C
    # reaches a command that has the default disposition
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _start_build(source: Path, index_dir: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "searchapp.cli", "index", "build", str(source),
         "--index-dir", str(index_dir), "--workers", "2"],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        preexec_fn=_interruptible)


def _signal_mid_build(index_dir: Path, tmp_path: Path, signum: int, seconds: float
                      ) -> subprocess.Popen:
    """Start a 20,000-article rebuild, send it `signum` once the pool's two extraction
    processes and whoosh's two writer processes are up, and wait (at most 30 s) for it
    to end and for every one of those processes to be gone within `seconds`."""
    build = _start_build(generated(tmp_path / "big.jsonl", 20_000), index_dir)
    try:
        # with autogroups the build's work runs in a child of its own (run_niced)
        expected = 4 + autogroups_enabled()
        _wait_for(lambda: len(generation_names(index_dir)) > 1
                  and len(descendants(build.pid)) >= expected)
        forked = descendants(build.pid)
        build.send_signal(signum)
        build.wait(timeout=30)
        _wait_for(lambda: not any(_alive(pid) for pid in forked), seconds=seconds)
    finally:
        if build.poll() is None:
            build.kill()
    return build


def test_kill_9_mid_rebuild_then_a_rebuild(live_index, tmp_path):
    good = live(live_index)
    _signal_mid_build(live_index, tmp_path, signal.SIGKILL, seconds=5)
    assert live(live_index) == good, "the killed build never went live"
    half_built = set(generation_names(live_index)) - {good[0]}
    assert half_built
    result = cli("index", "build", str(SAMPLE_DIR), "--index-dir", str(live_index))
    assert result.returncode == 0, result.stderr
    names = set(generation_names(live_index))
    assert not names & half_built, "the unfinished generation is removed"
    assert good[0] in names, "the previous complete generation is kept"
    assert live(live_index)[1] == SAMPLE_COUNT


def test_ctrl_c_mid_rebuild_exits_at_once_and_leaves_no_process(live_index, tmp_path):
    good = live(live_index)
    build = _signal_mid_build(live_index, tmp_path, signal.SIGINT, seconds=10)
    assert build.returncode != 0
    # whoosh's writer processes printed their own tracebacks (and after an unexpected
    # error, blocked on their job queue, kept the command from ever exiting)
    assert "Traceback" not in build.stderr.read()
    assert live(live_index) == good, "the interrupted build never went live"


def test_add_and_delete_during_a_rebuild_are_not_lost(tmp_path):
    index_dir = tmp_path / "index"
    old = generated(tmp_path / "old.jsonl", 100, prefix="old")
    build_index(IndexStore(index_dir), [old], workers=1)
    source = generated(tmp_path / "big.jsonl", HELD_BUILD_ARTICLES)
    with open(source, "a", encoding="utf-8") as handle:  # the rebuild also has old0..old99
        handle.write(old.read_text())
    extra = write_jsonl(tmp_path / "extra.jsonl", [{
        "id": "breaking", "title": "Zanzibarite found", "body": "A mineral, zanzibarite.",
        "people": ["Ann Example"]}])
    build = _start_build(source, index_dir)
    try:
        _wait_for(lambda: len(generation_names(index_dir)) > 1)
        _suspend(build)  # hold the rebuild mid-way while others write
        try:
            added = cli("index", "add", str(extra), "--index-dir", str(index_dir))
            deleted = cli("index", "delete", "old7", "--index-dir", str(index_dir))
            assert added.returncode == 0 and deleted.returncode == 0, added.stderr
            searcher = Searcher(IndexStore(index_dir))
            assert searcher.article("breaking") is not None, "the add is live at once"
            assert searcher.article("old7") is None
        finally:
            build.send_signal(signal.SIGCONT)
        out, err = build.communicate(timeout=120)
    finally:
        if build.poll() is None:
            build.kill()
    assert build.returncode == 0, err
    assert "replayed: 2 changes" in out
    searcher = Searcher(IndexStore(index_dir))
    assert searcher.doc_count() == HELD_BUILD_ARTICLES + 100 - 1 + 1
    assert searcher.article("breaking") is not None
    assert searcher.article("old7") is None
    assert searcher.search(SearchRequest(q="zanzibarite")).total == 1


def test_a_second_rebuild_at_the_same_time_is_refused(live_index, tmp_path):
    source = generated(tmp_path / "big.jsonl", HELD_BUILD_ARTICLES)
    build = _start_build(source, live_index)
    try:
        _wait_for(lambda: len(generation_names(live_index)) > 1)
        _suspend(build)
        try:
            one_line_error(cli("index", "build", "--index-dir", str(live_index)),
                           "another rebuild")
        finally:
            build.send_signal(signal.SIGCONT)
        build.communicate(timeout=120)
    finally:
        if build.poll() is None:
            build.kill()
    assert build.returncode == 0
    assert live(live_index)[1] == HELD_BUILD_ARTICLES


def test_damaged_and_hostile_sources_are_reported_and_skipped(live_index, tmp_path):
    good = write_jsonl(tmp_path / "good.jsonl", [
        {"id": "ok", "title": "Fine story", "body": "Sergey Lavrov spoke.", "people": ["X Y"]}])
    whole = gzip.compress(good.read_bytes() * 50)
    (tmp_path / "truncated.jsonl.gz").write_bytes(whole[: len(whole) // 2])
    (tmp_path / "corrupt.jsonl.gz").write_bytes(whole[:10] + b"\x00" * 40 + whole[50:])
    (tmp_path / "notgzip.jsonl.gz").write_bytes(b"plain text, not gzip\n")
    (tmp_path / "deep.jsonl").write_text("[" * 100_000 + "]" * 100_000 + "\n")
    (tmp_path / "digits.jsonl").write_text('{"title": "T", "body": "B", "id": ' + "1" * 5000
                                           + "}\n")
    sources = [good, *(tmp_path / n for n in ("truncated.jsonl.gz", "corrupt.jsonl.gz",
                                             "notgzip.jsonl.gz", "deep.jsonl", "digits.jsonl"))]
    result = cli("index", "build", *map(str, sources), "--index-dir", str(live_index),
                 "--allow-shrink")
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    output = result.stdout + result.stderr
    assert "truncated.jsonl.gz" in output and "corrupt or truncated gzip data" in output
    assert "deep.jsonl:1: invalid JSON: nested too deeply" in output
    assert "digits.jsonl:1: invalid JSON" in output
    assert live(live_index)[1] == 1


def test_a_folder_with_symlinks_devices_and_bad_manifest_values(live_index, tmp_path):
    folder = tmp_path / "texts"
    folder.mkdir()
    (folder / "story.txt").write_text("Lavrov meets Wang\n\nSergey Lavrov met Wang Yi.")
    (folder / "other.txt").write_text("Second story\n\nJoe Biden spoke in Warsaw.")
    (folder / "fives.txt").write_text("Third story\n\nNothing here.")
    (folder / "passwd.txt").symlink_to("/etc/passwd")
    (folder / "zero.txt").symlink_to("/dev/zero")
    os.mkfifo(folder / "pipe.txt")
    (folder / "manifest.json").write_text(json.dumps({"articles": [
        {"file": "story.txt", "authors": "Jane Doe", "outlet": "Wire"},
        {"file": "fives.txt", "people": 5},
    ]}))
    result = cli("index", "build", str(folder), "--index-dir", str(live_index),
                 "--allow-shrink", timeout=120)
    assert result.returncode == 0, result.stderr
    output = result.stdout + result.stderr
    assert "passwd.txt: symlink to a file outside the source folder" in output
    assert "zero.txt: symlink to a file outside the source folder" in output
    assert "pipe.txt: not a regular file" in output
    assert "fives.txt: manifest: 'people' must be a list of strings" in output
    searcher = Searcher(IndexStore(live_index))
    assert searcher.doc_count() == 2
    assert searcher.article("story").authors == ["Jane Doe"]
    people = {b.value for b in searcher.facet_values("person", "", 100)}
    assert not any(len(name) == 1 for name in people), people
    assert searcher.search(SearchRequest(q="root")).total == 0


def test_a_missing_or_unwritable_index_folder_is_one_line(tmp_path):
    source = write_jsonl(tmp_path / "a.jsonl", [{"title": "T", "body": "B"}])
    if os.geteuid() == 0:  # root ignores file modes; sysfs refuses even root
        target = "/sys/searchapp-index"
    else:
        target = str(tmp_path / "readonly")
        Path(target).mkdir(mode=0o555)
    one_line_error(cli("index", "build", str(source), "--index-dir", target),
                   "cannot read or write the index")
    one_line_error(cli("index", "stats", "--index-dir", str(tmp_path / "none")),
                   "searchapp index build")
    one_line_error(cli("index", "add", str(source), "--index-dir", str(tmp_path / "none")),
                   "searchapp index build")


def _build_peak_rss_mb(source: Path, index_dir: Path) -> tuple[subprocess.CompletedProcess, float]:
    code = ("import resource, sys\nfrom searchapp.cli import main\n"
            "status = main(sys.argv[1:])\n"
            "print('peak', resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)\n")
    result = subprocess.run(
        [sys.executable, "-c", code, "index", "build", str(source), "--index-dir",
         str(index_dir), "--allow-shrink", "--workers", "1"],
        cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    return result, int(result.stdout.split("peak")[1]) / 1024


def test_a_gzip_bomb_line_costs_a_bounded_amount_of_memory(live_index, tmp_path):
    after = b'{"id": "after", "title": "After", "body": "Still read."}\n'
    plain = tmp_path / "plain.jsonl.gz"
    with gzip.open(plain, "wb") as handle:
        handle.write(b'{"title": "T", "body": "a"}\n' + after)
    bomb = tmp_path / "bomb.jsonl.gz"
    with gzip.open(bomb, "wb", compresslevel=9) as handle:
        handle.write(b'{"title": "T", "body": "')
        chunk = b"a" * 2**20
        for _ in range(600):  # one 600 MB line
            handle.write(chunk)
        handle.write(b'"}\n' + after)
    # the same build without the bomb, in the same run, is the baseline: what the interpreter,
    # spaCy and whoosh cost on this machine is not the reader's doing
    _, baseline_mb = _build_peak_rss_mb(plain, tmp_path / "baseline-index")
    result, peak_mb = _build_peak_rss_mb(bomb, live_index)
    assert "bomb.jsonl.gz:1: line longer than 16 MB" in result.stderr
    # the old reader held the line twice (+1,200 MB); a 16 MB cap costs a few tens of MB
    assert peak_mb - baseline_mb < 150, f"peak RSS {peak_mb:.0f} MB, baseline {baseline_mb:.0f} MB"
    assert Searcher(IndexStore(live_index)).article("after") is not None


def test_five_hundred_thousand_bad_lines_keep_few_reports(tmp_path):
    from searchapp.ingest import IngestReport, read_sources

    bad = tmp_path / "bad.jsonl"
    bad.write_text("not json\n" * 500_000)
    report = IngestReport()
    assert list(read_sources([bad], report)) == []
    assert report.skipped_count == 500_000
    assert len(report.skipped) <= 100
    assert report.skipped_kinds == {"invalid JSON": 500_000}


_CTRL_C_IN_A_FORK_HOOK = """
import os, signal, sys
from searchapp.children import autogroups_enabled
from searchapp.cli import entry
script = os.getpid()
fired = []

def ctrl_c_while_forking():
    # in the process doing the build (a child of its own with autogroups), on its first
    # fork: Python drops the KeyboardInterrupt raised here, as it does for one raised in
    # logging's at-fork lock release when a real Ctrl-C lands there
    if not fired and (os.getpid() != script or not autogroups_enabled()):
        fired.append(True)
        signal.raise_signal(signal.SIGINT)

os.register_at_fork(after_in_parent=ctrl_c_while_forking)
sys.argv = ["searchapp", "index", "build", *sys.argv[1:]]
sys.exit(entry())
"""


def test_a_ctrl_c_lost_in_a_fork_hook_still_stops_the_rebuild(live_index, tmp_path):
    good = live(live_index)
    source = generated(tmp_path / "many.jsonl", 3_000)
    build = subprocess.run(
        [sys.executable, "-c", _CTRL_C_IN_A_FORK_HOOK, str(source), "--index-dir",
         str(live_index), "--workers", "2"],
        cwd=ROOT, capture_output=True, text=True, timeout=120, preexec_fn=_interruptible)
    assert build.returncode == 130, (build.stdout, build.stderr)
    assert "interrupted:" in build.stderr
    assert "Traceback" not in build.stderr and "Exception ignored" not in build.stderr
    assert live(live_index) == good, "the interrupted build never went live"
