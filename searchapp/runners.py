"""Where batches of articles are enriched: in this process, in a local process pool (the
default: every core), or on a Dask cluster (`searchapp.cluster`). The pipeline sees one
small interface: `submit` a batch, later take its `result`, at most `max_in_flight`
outstanding, so memory stays flat however large the source.
"""

from __future__ import annotations

from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from multiprocessing import get_context
from typing import Protocol

from searchapp.article import Article
from searchapp.children import WHAT_A_STOP_KEEPS, WorkerLost, die_with_parent
from searchapp.enrich.batch import BatchResult, enrich_batch


class Runner(Protocol):
    """Enriches batches somewhere; results are taken in the order batches were sent."""

    max_in_flight: int

    def submit(self, articles: list[Article], cached: list[list[str] | None],
               people: bool) -> object: ...

    def result(self, handle: object) -> BatchResult: ...

    def close(self) -> None: ...


class InProcess:
    """In the command's own process (one core, or a feed's few articles)."""

    max_in_flight = 1

    def submit(self, articles, cached, people):
        return enrich_batch(articles, cached, people=people)

    def result(self, handle):
        return handle

    def close(self) -> None:
        pass


class LocalPool:
    """A fork pool of `workers` processes that die with the command; each loads the people
    model on its first batch.

    concurrent.futures rather than multiprocessing.Pool: `Pool.terminate()` deadlocks when
    a worker is part way through sending a large result (its result thread stops reading,
    the worker keeps the pipe's lock; CPython issue 78178). Ctrl-C mid-build on a loaded
    machine hung the command that way. The executor's manager keeps reading until its
    workers are gone, and a worker that dies raises BrokenProcessPool instead of hanging.
    """

    def __init__(self, workers: int):
        self._pool = ProcessPoolExecutor(workers, mp_context=get_context("fork"),
                                         initializer=die_with_parent)
        self.max_in_flight = workers * 2 + 1  # each process has its next batch waiting

    def submit(self, articles, cached, people) -> Future:
        return self._pool.submit(enrich_batch, articles, cached, people=people)

    def result(self, handle: Future) -> BatchResult:
        try:
            return handle.result()
        except BrokenProcessPool:
            raise WorkerLost(
                "an enrichment process died (killed, or out of memory?) and the command "
                f"stopped: {WHAT_A_STOP_KEEPS}. Run it again, with fewer --workers if "
                "memory is short") from None

    def close(self) -> None:
        # batches not started are dropped; a worker finishes the one it holds and exits
        # (and dies at once with the command if the command exits first)
        self._pool.shutdown(wait=False, cancel_futures=True)


def local_runner(workers: int) -> Runner:
    return InProcess() if workers <= 1 else LocalPool(workers)
