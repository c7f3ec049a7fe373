"""How fast a build goes, on one machine and past it.

    python -m bench.build_rate [--articles 1500] [--previous ../old-checkout]
                               [--warm-index bench/.work/x1-index] [--previous-warm-index DIR]

Cold (every article through the people model, an empty people cache), on the first
`--articles` AllSides articles, in one run: the local process pool (every core), then a
Dask cluster started here with 1 worker and with 2 (single-threaded worker processes on
this machine, so 2 workers share its 2 cores with the writer). Then the cost a cluster adds
per batch: round trips of a small batch with nothing to extract, through the pool and
through the cluster. Warm (every article's people in the cache): a rebuild of the
37,554-article corpus into an index that already holds it, with this code and, given
`--previous`, with that checkout's code on its own warm index, one after the other. Last,
what the cold rate comes to on 8 and 32 machines, with its assumptions printed.
"""

from __future__ import annotations

import argparse
import gzip
import os
import shutil
import subprocess
import sys
import tempfile
import time
from itertools import islice
from pathlib import Path

from bench.table import print_table
from bench.workloads import DEFAULT_CORPUS, ROOT

DASK = Path(sys.executable).with_name("dask")


def _subset(corpus: Path, count: int, out: Path) -> Path:
    with gzip.open(corpus, "rt", encoding="utf-8") as src, open(out, "w", encoding="utf-8") as dst:
        for line in islice(src, count):
            dst.write(line)
    return out


def _build(source: Path, index_dir: Path, *extra: str, pythonpath: str | None = None) -> float:
    """Seconds of one `searchapp index build` in its own process (niceness 0)."""
    env = {**os.environ, "SEARCHAPP_WRITE_NICE": "0"}
    if pythonpath:
        env["PYTHONPATH"] = pythonpath
    started = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "searchapp.cli", "index", "build",
                             str(source), "--index-dir", str(index_dir), "--allow-shrink",
                             *extra], env=env, capture_output=True, text=True,
                            cwd=pythonpath or ROOT)
    seconds = time.perf_counter() - started
    if result.returncode:
        raise SystemExit(f"build failed: {result.stderr.strip().splitlines()[-1:]}")
    return seconds


class Cluster:
    """A scheduler and `workers` single-threaded workers on 127.0.0.1 (the tests' kind)."""

    def __init__(self, workers: int, port: int):
        self.address = f"tcp://127.0.0.1:{port}"
        self.procs = [subprocess.Popen([str(DASK), "scheduler", "--host", "127.0.0.1",
                                        "--port", str(port), "--no-dashboard"],
                                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)]
        for i in range(workers):
            self.procs.append(subprocess.Popen(
                [str(DASK), "worker", self.address, "--nthreads", "1", "--no-dashboard",
                 "--host", "127.0.0.1", "--name", f"w{i}"],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        from distributed import Client

        client = Client(self.address, timeout=60, set_as_default=False)
        client.wait_for_workers(workers, timeout=120)
        client.close()

    def close(self) -> None:
        for proc in reversed(self.procs):
            proc.terminate()
        for proc in self.procs:
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()


def cold_rates(source: Path, count: int, work: Path) -> list[list[object]]:
    rows = []
    seconds = _build(source, work / "cold-local")
    rows.append(["local pool (2 processes)", count, seconds, count / seconds, 1.0])
    base = count / seconds
    for workers in (1, 2):
        cluster = Cluster(workers, 18700 + workers)
        try:
            seconds = _build(source, work / f"cold-dask-{workers}", "--cluster", cluster.address)
        finally:
            cluster.close()
        rows.append([f"Dask cluster, {workers} worker{'s' * (workers > 1)} on this machine",
                     count, seconds, count / seconds, count / seconds / base])
    return rows


def batch_overhead(source: Path, rounds: int = 200) -> list[list[object]]:
    """Seconds per round trip of a 64-article batch with nothing to extract (people given):
    the cost of sending a batch somewhere, beside its enrichment."""
    from searchapp.ingest import IngestReport, read_sources
    from searchapp.runners import InProcess, LocalPool

    articles = [a for a in islice(read_sources([source], IngestReport()), 64)]
    for article in articles:
        article.people = ["Given Person"]
    cached = [None] * len(articles)

    def timed(runner) -> float:
        runner.result(runner.submit(articles, cached, True))  # warm up (imports)
        started = time.perf_counter()
        for _ in range(rounds):
            runner.result(runner.submit(articles, cached, True))
        return (time.perf_counter() - started) / rounds

    rows = []
    in_process = timed(InProcess())
    pool = LocalPool(2)
    try:
        pooled = timed(pool)
    finally:
        pool.close()
    cluster = Cluster(1, 18710)
    try:
        from searchapp.cluster import DaskCluster

        runner = DaskCluster(cluster.address)
        try:
            dask = timed(runner)
        finally:
            runner.close()
    finally:
        cluster.close()
    for name, seconds in (("in this process", in_process), ("local pool", pooled),
                          ("Dask, 1 worker on 127.0.0.1", dask)):
        rows.append([name, seconds * 1000, (seconds - in_process) * 1000,
                     (seconds - in_process) * 1000 / 64])
    return rows


def warm_rates(corpus: Path, index_dir: Path, previous: Path | None,
               previous_index: Path | None) -> list[list[object]]:
    count = sum(1 for _ in gzip.open(corpus, "rt", encoding="utf-8"))
    rows = []
    seconds = _build(corpus, index_dir)
    rows.append(["this code", count, seconds, count / seconds, 1.0])
    if previous is not None and previous_index is not None:
        before = _build(corpus, previous_index, pythonpath=str(previous))
        rows.append([f"previous release ({previous})", count, before, count / before,
                     seconds / before])
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--articles", type=int, default=1500)
    parser.add_argument("--warm-index", type=Path, default=None,
                        help="an index of the whole corpus with a warm people cache")
    parser.add_argument("--previous", type=Path, default=None,
                        help="a checkout of the previous release, for the warm comparison")
    parser.add_argument("--previous-warm-index", type=Path, default=None)
    parser.add_argument("--skip-cold", action="store_true")
    args = parser.parse_args(argv)
    # absolute: the previous release's build runs in its own checkout, and a relative index
    # path there named an empty folder (a cold build, timed as if it were warm)
    for name in ("corpus", "warm_index", "previous", "previous_warm_index"):
        if getattr(args, name) is not None:
            setattr(args, name, getattr(args, name).resolve())
    work = Path(tempfile.mkdtemp(prefix="build-rate-"))
    try:
        cold = []
        if not args.skip_cold:
            source = _subset(args.corpus, args.articles, work / "subset.jsonl")
            cold = cold_rates(source, args.articles, work)
            print_table(["cold build (empty people cache)", "articles", "seconds",
                         "articles/s", "vs local pool"], cold,
                        title=f"Cold builds of {args.articles:,} AllSides articles, one run")
            print_table(["64-article batch, nothing to extract", "ms per batch",
                         "overhead ms", "overhead ms per article"],
                        batch_overhead(source), title="What sending a batch costs")
        if args.warm_index:
            warm = warm_rates(args.corpus, args.warm_index, args.previous,
                              args.previous_warm_index)
            print_table(["warm rebuild (people cached)", "articles", "seconds", "articles/s",
                         "vs this code"], warm,
                        title="Warm rebuilds of the whole corpus, one after the other")
            writer = warm[0][3]
            if cold:
                per_machine = cold[-1][3]  # 2 single-threaded workers = one 2-core machine
                rows = []
                for machines in (1, 8, 32):
                    enrich = per_machine * machines
                    rate = min(enrich, writer)
                    rows.append([machines, enrich, writer, rate, 1_000_000 / rate / 3600])
                print_table(["machines (2 cores each)", "enrichment articles/s",
                             "writer ceiling articles/s", "build articles/s",
                             "hours for 1,000,000"], rows,
                            title="Projection (assumptions in docs/benchmarks.md)")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
