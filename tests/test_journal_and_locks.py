"""The pieces that keep concurrent writers safe, on their own: the rebuild journal (what an
add or delete during a rebuild leaves for the rebuild to replay), the advisory file lock
between writers, and the busy answer an add gets while another writer holds the index."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from datetime import date

import pytest

from searchapp.article import Article
from searchapp.engine import Indexer, IndexStore, Searcher
from searchapp.engine.errors import IndexBusy
from searchapp.engine.index.journal import Journal
from searchapp.engine.locks import FileLock
from searchapp.engine.types import SearchRequest


def test_the_journal_replays_changes_in_commit_order(tmp_path):
    journal = Journal(tmp_path)
    assert list(journal.entries()) == []  # nothing journaled yet: no file
    first = Article("a1", "Título “one”", "Body with émigré text", outlet="CNN",
                    published=date(2024, 2, 29), authors=["A. Writer"], people=["Wang Yi"],
                    url="https://example.com/a1", extra={"topic": ["elections"]},
                    story_signature=b"\x00\x01bytes")
    second = Article("a2", "Two", "Second body")
    journal.upserted([first])
    journal.deleted(["gone-1", "gone-2"])
    journal.deleted([])  # an empty delete writes nothing
    journal.upserted([second])
    entries = list(journal.entries())
    assert [op for op, _ in entries] == ["upsert", "delete", "upsert"]
    replayed = entries[0][1]
    assert replayed.story_signature is None  # bytes are signed again when replayed
    assert replayed == Article(**{**first.__dict__, "story_signature": None})
    assert entries[1][1] == ["gone-1", "gone-2"] and entries[2][1] == second
    journal.clear()
    assert not journal.path.exists() and list(journal.entries()) == []


def test_a_line_cut_short_by_a_crash_is_skipped_and_the_rest_is_read(tmp_path):
    journal = Journal(tmp_path)
    journal.upserted([Article("a1", "One", "Body")])
    with open(journal.path, "a", encoding="utf-8") as handle:
        handle.write('{"op": "upsert", "article": {"id": "cut')  # no newline: killed here
    journal.deleted(["a1"])  # the next append starts after the torn line
    ops = [(op, value if op == "delete" else value.id) for op, value in journal.entries()]
    assert ops == [("upsert", "a1"), ("delete", ["a1"])]


def test_one_writer_at_a_time_and_reentrant_within_one(tmp_path):
    path = tmp_path / "write.lock"
    first, second = FileLock(path), FileLock(path)
    assert first.acquire() and first.acquire()  # re-entrant
    assert second.busy() and not second.acquire(0.0)
    first.release()
    assert second.busy()  # still held once
    first.release()
    assert not second.busy() and second.acquire(0.0)
    second.release()


def test_a_waiting_writer_gets_the_lock_when_it_is_released(tmp_path):
    path = tmp_path / "write.lock"
    holder, waiter = FileLock(path), FileLock(path)
    holder.acquire()
    threading.Timer(0.3, holder.release).start()
    started = time.monotonic()
    assert waiter.acquire(wait=10)
    assert 0.2 < time.monotonic() - started < 5
    waiter.release()


def test_a_holder_killed_with_sigkill_leaves_no_stale_lock(tmp_path):
    path = tmp_path / "write.lock"
    program = ("import sys, time; from searchapp.engine.locks import FileLock; "
               f"assert FileLock({str(path)!r}).acquire(); print('held', flush=True); "
               "time.sleep(60)")
    holder = subprocess.Popen([sys.executable, "-c", program], stdout=subprocess.PIPE,
                              text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        assert FileLock(path).busy()
        os.kill(holder.pid, signal.SIGKILL)
        holder.wait(timeout=10)
        assert FileLock(path).acquire(wait=5)
    finally:
        if holder.poll() is None:
            holder.kill()
            holder.wait()


def test_an_add_while_another_writer_holds_the_index_is_busy_then_succeeds(tmp_path):
    store = IndexStore(tmp_path)
    Indexer(store).rebuild([Article("a1", "One", "first body")])
    ix = store.open_current()
    other = ix.writer()  # another process's writer, as whoosh sees it: its write lock
    try:
        with pytest.raises(IndexBusy, match="locked by another writer"):
            Indexer(store, lock_wait=0.3).upsert([Article("a2", "Two", "second body")])
    finally:
        other.cancel()
    Indexer(store, lock_wait=0.3).upsert([Article("a2", "Two", "second body")])
    result = Searcher(store).search(SearchRequest(q="body"))
    assert {hit.id for hit in result.hits} == {"a1", "a2"}
