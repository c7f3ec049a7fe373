"""The local enrichment pool when one of its processes dies (kill -9, the OOM killer): the
command stops with one clear error instead of waiting forever for a batch that will not
come (multiprocessing.Pool lost the batch and hung)."""

from __future__ import annotations

import os
import signal
import threading
import time
from multiprocessing import active_children

from searchapp.article import Article
from searchapp.children import WorkerLost
from searchapp.runners import LocalPool

BODY = "Sergey Lavrov met Wang Yi in Moscow on Wednesday to talk about trade. " * 40


def _batch(n: int) -> list[Article]:
    return [Article(id=f"a{i}", title=f"Story {i}", body=BODY) for i in range(n)]


def test_a_killed_worker_raises_worker_lost_instead_of_hanging():
    before = {p.pid for p in active_children()}
    pool = LocalPool(2)
    try:
        handles = [pool.submit(_batch(64), [None] * 64, True) for _ in range(3)]
        deadline = time.monotonic() + 30
        while not (workers := [p for p in active_children() if p.pid not in before]):
            assert time.monotonic() < deadline, "the pool started no process"
            time.sleep(0.02)
        os.kill(workers[0].pid, signal.SIGKILL)  # while it loads the model or runs it
        outcome: list = []

        def take_results() -> None:
            try:
                for handle in handles:
                    pool.result(handle)
                outcome.append("every batch came back")
            except WorkerLost as exc:
                outcome.append(exc)

        taker = threading.Thread(target=take_results, daemon=True)
        taker.start()
        taker.join(60)
        assert outcome, "waiting for the results hung"
        assert isinstance(outcome[0], WorkerLost)
        assert "rebuild leaves the live index as it was" in str(outcome[0])
    finally:
        pool.close()

