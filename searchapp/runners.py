"""Where batches of articles are enriched: in this process, in a local process pool (the
default: every core), or on a Dask cluster (`searchapp.cluster`). The pipeline sees one
small interface: `submit` a batch, later take its `result`, at most `max_in_flight`
outstanding, so memory stays flat however large the source.
"""

from __future__ import annotations

from multiprocessing import get_context
from typing import Protocol

from searchapp.article import Article
from searchapp.children import die_with_parent
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
    model on its first batch."""

    def __init__(self, workers: int):
        self._pool = get_context("fork").Pool(workers, initializer=die_with_parent)
        self.max_in_flight = workers * 2 + 1  # each process has its next batch waiting

    def submit(self, articles, cached, people):
        return self._pool.apply_async(enrich_batch, (articles, cached),
                                      {"people": people})

    def result(self, handle):
        return handle.get()

    def close(self) -> None:
        self._pool.terminate()
        self._pool.join()


def local_runner(workers: int) -> Runner:
    return InProcess() if workers <= 1 else LocalPool(workers)
