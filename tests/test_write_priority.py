"""Builds and adds yield the CPU to serving even from another session: with Linux's
autogroup scheduling niceness only counts within a session, so the command's work runs in
a session and scheduler group of its own, at the write niceness, through the real CLI."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from searchapp.children import autogroups_enabled
from searchapp.engine import IndexStore
from searchapp.pipeline import build_index
from tests.servers import ROOT, children, eventually

pytestmark = [pytest.mark.slow, pytest.mark.skipif(not autogroups_enabled(),
                                reason="the kernel does not schedule by session (autogroup)")]


def _session(pid: int) -> int:
    return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[3])


def _feed(index_dir: Path, nice: str) -> subprocess.Popen:
    """`searchapp index add -` waiting on its standard input."""
    return subprocess.Popen(
        [sys.executable, "-m", "searchapp.cli", "index", "add", "-", "--index-dir",
         str(index_dir)], cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True, env={**os.environ, "SEARCHAPP_WRITE_NICE": nice},
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))


@pytest.fixture
def index_dir(tmp_path):
    build_index(IndexStore(tmp_path / "index"))
    return tmp_path / "index"


def test_an_add_runs_in_its_own_niced_group_and_leaves_the_callers_alone(index_dir):
    mine = Path("/proc/self/autogroup").read_text()
    feed = _feed(index_dir, "7")
    try:
        worker = eventually(lambda: children(feed.pid), seconds=20)
        assert len(worker) == 1
        assert eventually(lambda: Path(f"/proc/{worker[0]}/autogroup").read_text()
                          .endswith("nice 7\n"), seconds=20)
        assert _session(worker[0]) == worker[0], "the work leads a session of its own"
        assert Path(f"/proc/{feed.pid}/autogroup").read_text() == mine
        assert Path("/proc/self/autogroup").read_text() == mine, "the caller's group as it was"
        record = {"id": "prio-1", "title": "Zanzibarite found", "body": "A new mineral.",
                  "people": []}
        out, err = feed.communicate(json.dumps(record) + "\n", timeout=120)
    finally:
        if feed.poll() is None:
            feed.kill()
    assert feed.returncode == 0, err
    assert "added: 1 indexed" in out


def test_ctrl_c_reaches_the_work_and_ends_the_command(index_dir):
    feed = _feed(index_dir, "10")
    try:
        worker = eventually(lambda: children(feed.pid), seconds=20)
        assert eventually(lambda: Path(f"/proc/{worker[0]}/autogroup").read_text()
                          .endswith("nice 10\n"), seconds=20)
        feed.send_signal(signal.SIGINT)  # what a terminal's Ctrl-C sends the command
        _, err = feed.communicate(timeout=60)
    finally:
        if feed.poll() is None:
            feed.kill()
    assert feed.returncode == 130, err
    assert "interrupted" in err and "Traceback" not in err
    assert eventually(lambda: not Path(f"/proc/{worker[0]}").exists(), seconds=10)


def test_kill_9_of_the_command_ends_its_work(index_dir):
    feed = _feed(index_dir, "10")
    try:
        worker = eventually(lambda: children(feed.pid), seconds=20)
        feed.kill()
        feed.wait(timeout=10)
        assert eventually(lambda: not Path(f"/proc/{worker[0]}").exists(), seconds=10)
    finally:
        if feed.poll() is None:
            feed.kill()


def test_an_error_in_the_work_is_the_commands_one_line_error(index_dir, tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "searchapp.cli", "index", "add", str(tmp_path / "missing.jsonl"),
         "--index-dir", str(index_dir)], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 1
    assert result.stderr.startswith("error: ") and result.stderr.count("\n") == 1
