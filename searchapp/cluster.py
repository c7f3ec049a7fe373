"""Enrichment on a Dask cluster (`index build --cluster tcp://HOST:8786`).

The command's machine reads the sources and is the index's single writer, as without a
cluster, so generations, locks, the journal and the refusal rules hold unchanged; only the
batches of `enrich_batch` go to the cluster's workers. Workers need `pip install
searchapp` (the same release: checked before the build and again on every batch) and run
`dask worker tcp://SCHEDULER:8786`.

Faults: a worker killed mid-build has its batches run again on another (Dask reschedules
the tasks of a lost worker; each batch's result is taken once, in order, so nothing is
indexed twice or lost); a scheduler that cannot be reached refuses the build before any
work; one that goes away mid-build, or a cluster left without workers, ends it with one
line, and the rebuild discards its unfinished generation (the live one keeps serving).
"""

from __future__ import annotations

import logging
import re
import time
from concurrent.futures import CancelledError
from typing import TYPE_CHECKING

# The CLI imports this module for its error: enrichment (and dask) come with a build only.
if TYPE_CHECKING:
    from searchapp.article import Article
    from searchapp.enrich.batch import BatchResult

CLUSTER_ENV = "SEARCHAPP_CLUSTER"
CONNECT_SECONDS = 10.0
WORKERS_WAIT_SECONDS = 30.0  # for the first worker, and for one after all were lost
RESULT_POLL_SECONDS = 5.0
MAX_IN_FLIGHT = 64  # batches sent and not yet taken back, however large the cluster
_ADDRESS = re.compile(r"^(?:tcp|tls)://[^\s/:]+(?::\d{1,5})?$")


class ClusterUnavailable(RuntimeError):
    """The cluster cannot take the build, or stopped taking it (one line for the CLI)."""


def _quiet() -> None:
    """distributed logs its reconnection attempts and tracebacks at ERROR level: the
    command says what happened in one line instead. (Called once distributed is imported:
    its import configures its loggers' levels one by one.)"""
    for name in ["distributed", *logging.root.manager.loggerDict]:
        if name == "distributed" or name.startswith("distributed."):
            logging.getLogger(name).setLevel(logging.CRITICAL + 1)


class DaskCluster:
    """A `Runner` that sends batches to the workers of the Dask scheduler at `address`."""

    def __init__(self, address: str, connect_seconds: float = CONNECT_SECONDS,
                 workers_wait: float = WORKERS_WAIT_SECONDS):
        if not _ADDRESS.match(address):
            raise ValueError(f"--cluster: {address!r} is not a scheduler address "
                             "(tcp://HOST:PORT, e.g. tcp://10.0.0.5:8786)")
        try:
            from distributed import Client
        except ImportError:  # a broken install: dask is a dependency
            raise ClusterUnavailable("the dask and distributed packages are not installed "
                                     "(pip install searchapp brings them)") from None
        _quiet()
        self.address = address
        self.workers_wait = workers_wait
        try:
            self._client = Client(address, timeout=connect_seconds, set_as_default=False)
        except (OSError, TimeoutError) as exc:
            raise ClusterUnavailable(
                f"cannot reach the Dask scheduler at {address} ({_reason(exc)}); nothing was "
                "read or written") from None
        try:
            self._check_workers()
        except BaseException:
            self.close()
            raise

    def _check_workers(self) -> None:
        try:
            self._client.wait_for_workers(1, timeout=self.workers_wait)
        except (TimeoutError, OSError):
            raise ClusterUnavailable(
                f"the Dask scheduler at {self.address} has no workers (start them with "
                f"`dask worker {self.address}`); nothing was read or written") from None
        from searchapp.enrich.batch import worker_version
        from searchapp.enrich.extractor_version import EXTRACTOR_VERSION

        try:
            versions = self._client.run(worker_version)
        except Exception as exc:  # a worker that cannot unpickle searchapp's function
            raise ClusterUnavailable(
                f"the workers at {self.address} cannot run searchapp ({_reason(exc)}): "
                "install the same searchapp release on every worker") from None
        wrong = {worker: v for worker, v in versions.items() if v != EXTRACTOR_VERSION}
        if wrong:
            worker, version = next(iter(sorted(wrong.items())))
            raise ClusterUnavailable(
                f"{len(wrong)} of {len(versions)} workers run another people extractor "
                f"({worker}: {version}; this command: {EXTRACTOR_VERSION}): install the "
                "same searchapp release on every worker")
        threads = sum(self._client.nthreads().values())
        self.workers = len(versions)
        self.max_in_flight = max(2, min(2 * threads + 1, MAX_IN_FLIGHT))

    def submit(self, articles: list[Article], cached: list[list[str] | None],
               people: bool) -> object:
        from searchapp.enrich.batch import enrich_batch
        from searchapp.enrich.extractor_version import EXTRACTOR_VERSION

        try:
            return self._client.submit(enrich_batch, articles, cached, EXTRACTOR_VERSION,
                                       people, pure=False)
        except (OSError, CancelledError, TimeoutError) as exc:
            raise self._lost(exc) from None

    def result(self, handle) -> BatchResult:
        """The batch's articles; waits in slices so that a cluster left without workers
        (which would hold the batch forever) ends the build instead of hanging it."""
        from distributed import KilledWorker

        from searchapp.enrich.batch import ExtractorMismatch

        without_workers_since: float | None = None
        while True:
            try:
                return handle.result(timeout=RESULT_POLL_SECONDS)
            except TimeoutError:
                pass
            except ExtractorMismatch as exc:  # a worker that joined after the check
                raise ClusterUnavailable(str(exc)) from None
            except KilledWorker:
                raise ClusterUnavailable(
                    "a batch of articles killed the workers that ran it, three times (out of "
                    "memory?); nothing was switched, the live index is unchanged") from None
            except (OSError, CancelledError) as exc:
                raise self._lost(exc) from None
            try:
                workers = len(self._client.nthreads())
            except (OSError, CancelledError, TimeoutError) as exc:
                raise self._lost(exc) from None
            if workers:
                without_workers_since = None
            elif without_workers_since is None:
                without_workers_since = time.monotonic()
            elif time.monotonic() - without_workers_since > self.workers_wait:
                raise ClusterUnavailable(
                    f"the Dask cluster at {self.address} has had no workers for "
                    f"{self.workers_wait:.0f} s; nothing was switched, the live index is "
                    "unchanged")

    def _lost(self, exc: BaseException) -> ClusterUnavailable:
        why = "connection lost" if isinstance(exc, CancelledError) else _reason(exc)
        return ClusterUnavailable(
            f"lost the Dask scheduler at {self.address} mid-build ({why}); nothing was "
            "switched, the live index is unchanged")

    def close(self) -> None:
        try:
            self._client.close(timeout=5)
        except Exception:  # a scheduler already gone: nothing left to close
            pass


def _reason(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return text if len(text) <= 160 else text[:157] + "..."
