"""Freshness and readiness at scale: how soon an `index add` is seen by every worker, what it
costs the other requests meanwhile, how soon a worker answers after it starts, how slow
the first pass of queries is, and how much memory each worker takes; this code next to the
code before it (a git worktree of --baseline), measured in the same run.

    pip install ".[bench]" && python -m bench.freshness [--sizes 1,5] [--baseline REV]
    python -m bench.freshness --sizes 25 --no-baseline     # the 1,000,000-article workload

Each workload is served by `searchapp serve` (2 workers) while two client threads send the
200-query mix of bench.scale back to back (bounded in count and time).
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

from bench.scale import query_set
from bench.table import print_table
from bench.workloads import DEFAULT_CORPUS, ROOT, WORK, corpus_for, index_dir_for, prepared_index
from searchapp.engine import IndexStore
from searchapp.enrich.people_cache import CACHE_NAME
from tests.servers import children, fetch, free_port, stop

BASELINE = "aeb44df"  # the code before derived segment data and background refresh
LOAD_THREADS = 2
STEADY_SECONDS = 8
MAX_WAIT_SECONDS = 120
VISIBLE_IN_A_ROW = 10  # answers in a row, from two clients, that must show the new articles


@dataclass
class Code:
    """A version of searchapp to run: its source folder (PYTHONPATH) and name."""

    name: str
    source: Path

    def env(self) -> dict:
        return {**os.environ, "PYTHONPATH": str(self.source)}

    def cli(self, *args: str, timeout: float = 7200) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "searchapp.cli", *args], cwd=self.source,
                              env=self.env(), capture_output=True, text=True, timeout=timeout)


def baseline_code(revision: str) -> Code:
    tree = WORK / f"baseline-{revision}"
    if not tree.exists():
        subprocess.run(["git", "worktree", "add", "--detach", str(tree), revision], cwd=ROOT,
                       check=True, capture_output=True)
    return Code(f"before ({revision})", tree)


def baseline_index(code: Code, copies: int) -> Path:
    """The workload indexed by the baseline code (its own folder; built once, warm cache)."""
    index_dir = WORK / f"{code.source.name}-x{copies}-index"
    if not (index_dir / "CURRENT").exists():
        index_dir.mkdir(parents=True, exist_ok=True)
        cache = index_dir_for(1) / CACHE_NAME
        if cache.exists() and not (index_dir / CACHE_NAME).exists():
            shutil.copy(cache, index_dir / CACHE_NAME)
        print(f"[x{copies}] building with {code.name} (once) ...", flush=True)
        result = code.cli("index", "build", str(corpus_for(copies)), "--index-dir",
                          str(index_dir), "--allow-shrink")
        if result.returncode:
            raise RuntimeError(result.stderr)
    return index_dir


# ---- load ---------------------------------------------------------------------------------
@dataclass
class Load:
    """Client threads sending `paths` in turn; (start time, latency ms, status) recorded."""

    base: str
    paths: list[str]
    samples: list[tuple[float, float, int]] = field(default_factory=list)
    _stop: threading.Event = field(default_factory=threading.Event)
    _threads: list[threading.Thread] = field(default_factory=list)

    def _run(self, offset: int) -> None:
        i = offset
        deadline = time.monotonic() + 3600
        while not self._stop.is_set() and time.monotonic() < deadline:
            path = self.paths[i % len(self.paths)]
            i += LOAD_THREADS
            started = time.monotonic()
            status = fetch(self.base + path, timeout=120)[0]
            self.samples.append((started, (time.monotonic() - started) * 1000, status))

    def start(self) -> Load:
        for offset in range(LOAD_THREADS):
            thread = threading.Thread(target=self._run, args=(offset,), daemon=True)
            thread.start()
            self._threads.append(thread)
        return self

    def stop(self) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=180)

    def between(self, start: float, end: float) -> list[float]:
        return [ms for t, ms, _ in self.samples if start <= t <= end]


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p * (len(ordered) - 1))))] if ordered else 0


def visible(base: str, word: str, expected: int) -> bool:
    """Whether VISIBLE_IN_A_ROW answers, two at a time (so both workers answer), find all."""
    results: list[bool] = []

    def ask() -> None:
        status, _, body = fetch(f"{base}/api/v1/search?q={word}&facets=", timeout=60)
        results.append(status == 200 and json.loads(body)["total"] == expected)

    for _ in range(VISIBLE_IN_A_ROW // 2):
        pair = [threading.Thread(target=ask) for _ in range(2)]
        for thread in pair:
            thread.start()
        for thread in pair:
            thread.join()
    return all(results)


# ---- the measures ---------------------------------------------------------------------------
def fresh_articles(count: int, word: str, folder: Path) -> Path:
    """`count` real AllSides articles under new ids with `word` in each headline (their
    people are in the cache, as for any re-crawled text)."""
    path = folder / f"{word}.jsonl"
    with gzip.open(DEFAULT_CORPUS, "rt", encoding="utf-8") as source, \
            open(path, "w", encoding="utf-8") as out:
        for i, line in enumerate(source):
            if i >= count:
                break
            record = json.loads(line)
            record["ID"] = f"{word}-{i}"
            record["title"] = f"{word} {record['title']}"
            out.write(json.dumps(record) + "\n")
    return path


def pss_mb(pid: int) -> tuple[float, float, float]:
    """(RSS, PSS, file-mapped part of PSS) of a process in MB. PSS counts pages shared with
    other processes once; its file-mapped part is the index's arrays in the page cache as
    far as this worker has read them (clean pages the kernel can drop), the rest is the
    worker's own memory."""
    values = {}
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
        parts = line.split()
        if parts and parts[0] in ("Rss:", "Pss:", "Pss_File:"):
            values[parts[0]] = int(parts[1]) / 1024
    return values.get("Rss:", 0.0), values.get("Pss:", 0.0), values.get("Pss_File:", 0.0)


def _serve(code: Code, index_dir: Path, workers: int) -> tuple[subprocess.Popen, str]:
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "searchapp.cli", "serve", "--index-dir", str(index_dir),
         "--port", str(port), "--workers", str(workers)], cwd=code.source, env=code.env(),
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return server, f"http://127.0.0.1:{port}"


def _first_answer(base: str, path: str, since: float) -> float:
    while True:
        try:
            if fetch(base + path, timeout=120)[0] == 200:
                return time.monotonic() - since
        except OSError:
            pass
        if time.monotonic() - since > 600:
            raise RuntimeError("the server did not answer")
        time.sleep(0.02)


def worker_boot(code: Code, index_dir: Path, path: str, tries: int = 3) -> float:
    """A lone worker killed and replaced by gunicorn: seconds until the new one answers."""
    server, base = _serve(code, index_dir, 1)
    times = []
    try:
        _first_answer(base, path, time.monotonic())
        for _ in range(tries):
            worker = children(server.pid)[0]
            killed = time.monotonic()
            os.kill(worker, 9)
            while children(server.pid) in ([], [worker]):
                time.sleep(0.005)
            times.append(_first_answer(base, path, killed))
    finally:
        stop(server)
    return statistics.median(times)


def read_into_page_cache(index_dir: Path) -> bool:
    """Read the live generation's files once, when they fit in the memory available, so the
    first pass measures a fresh worker (its own start-up state), not a disk whose cache other
    work emptied (which made the same code's first pass 2.6x one run and 21x the next).
    False when the index is larger than the memory available (x25 on this machine)."""
    files = [f for f in IndexStore(index_dir).current_path().rglob("*") if f.is_file()]
    available = next(int(line.split()[1]) * 1024 for line in
                     Path("/proc/meminfo").read_text().splitlines()
                     if line.startswith("MemAvailable:"))
    if sum(f.stat().st_size for f in files) > available // 2:
        return False
    for path in files:
        with open(path, "rb") as file:
            while file.read(1 << 22):
                pass
    return True


def measure(code: Code, index_dir: Path, paths: list[str], name: str) -> dict:
    out: dict = {"page_cache": read_into_page_cache(index_dir)}
    started = time.monotonic()
    server, base = _serve(code, index_dir, 2)
    try:
        out["start"] = _first_answer(base, paths[0], started)
        ready(base)  # the first pass measures cold caches, not the other worker's start
        first = [timed(base, p) for p in paths]  # the first pass, both workers cold
        warm = [timed(base, p) for p in paths]
        out["first_p95"], out["warm_p95"] = percentile(first, 0.95), percentile(warm, 0.95)
        out["memory"] = [pss_mb(pid) for pid in children(server.pid)]
        with tempfile.TemporaryDirectory() as scratch:
            load = Load(base, paths).start()
            try:
                time.sleep(STEADY_SECONDS)
                now = time.monotonic()
                out["steady_p50"] = statistics.median(load.between(now - STEADY_SECONDS, now))
                for count in (1, 100):
                    word = f"zqfresh{count}x{os.getpid()}"
                    source = fresh_articles(count, word, Path(scratch))
                    add_started = time.monotonic()
                    result = code.cli("index", "add", str(source), "--index-dir", str(index_dir))
                    add_ended = time.monotonic()
                    if result.returncode:
                        raise RuntimeError(result.stderr)
                    while not visible(base, word, count):
                        if time.monotonic() - add_ended > MAX_WAIT_SECONDS:
                            break
                    seen = time.monotonic()
                    during = load.between(add_started, seen + 1)
                    out[f"add{count}"] = {
                        "command": add_ended - add_started, "after_commit": seen - add_ended,
                        "p50": percentile(during, 0.5), "p99": percentile(during, 0.99),
                        "max": max(during, default=0)}
                    time.sleep(2)
            finally:
                load.stop()
        ids = ",".join(f"zqfresh{c}x{os.getpid()}-{i}" for c in (1, 100) for i in range(c))
        code.cli("index", "delete", *ids.split(","), "--index-dir", str(index_dir))
    finally:
        stop(server)
    out["boot"] = worker_boot(code, index_dir, paths[0])
    print(f"[{name}] {code.name}: {out}", flush=True)
    return out


def ready(base: str) -> None:
    """Wait until two requests at once (so both workers) are each answered within 200 ms."""
    in_a_row = 0
    deadline = time.monotonic() + 120
    while in_a_row < 3 and time.monotonic() < deadline:
        times: list[float] = []
        pair = [threading.Thread(target=lambda found=times: found.append(
            timed(base, "/api/v1/health"))) for _ in range(2)]
        for thread in pair:
            thread.start()
        for thread in pair:
            thread.join()
        in_a_row = in_a_row + 1 if max(times) < 200 else 0


def timed(base: str, path: str) -> float:
    started = time.monotonic()
    fetch(base + path, timeout=120)
    return (time.monotonic() - started) * 1000


def build_rates(codes: list[Code], rounds: int) -> list[list]:
    """Warm-cache rebuilds of the 37,554 articles by each code, alternating (this machine's
    speed drifts by a quarter between runs minutes apart; ratios of neighbours hold)."""
    rows = []
    seconds: dict[str, list[float]] = {code.name: [] for code in codes}
    sizes: dict[str, int] = {}
    cache = index_dir_for(1) / CACHE_NAME
    for _ in range(rounds):
        for code in codes:
            with tempfile.TemporaryDirectory(dir=WORK) as scratch:
                target = Path(scratch) / "index"
                target.mkdir()
                shutil.copy(cache, target / CACHE_NAME)
                started = time.monotonic()
                result = code.cli("index", "build", str(corpus_for(1)), "--index-dir",
                                  str(target))
                if result.returncode:
                    raise RuntimeError(result.stderr)
                seconds[code.name].append(time.monotonic() - started)
                sizes[code.name] = sum(p.stat().st_size for p in target.rglob("*")
                                       if p.is_file() and p.name != CACHE_NAME)
            print(f"[build] {code.name}: {seconds[code.name][-1]:.1f} s", flush=True)
    first = statistics.median(seconds[codes[0].name])
    for code in codes:
        median = statistics.median(seconds[code.name])
        rows.append([code.name, rounds, median, 37554 / median, sizes[code.name] / 1e6,
                     f"{median / first:.2f}x"])
    return rows


# ---- main -------------------------------------------------------------------------------------
def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="1,5", help="copies of the corpus per workload")
    parser.add_argument("--baseline", default=BASELINE, help="git revision to compare with")
    parser.add_argument("--no-baseline", action="store_true")
    parser.add_argument("--build-rounds", type=int, default=2,
                        help="alternating x1 rebuilds per code (0: none)")
    args = parser.parse_args(argv)
    codes = [Code("this code", ROOT)]
    if not args.no_baseline:
        codes.append(baseline_code(args.baseline))
    rows_fresh, rows_ready = [], []
    if args.build_rounds:
        print_table(["code", "rounds", "median s", "articles/s", "index MB", "time vs this"],
                    build_rates(codes, args.build_rounds),
                    title="Rebuild of the 37,554 articles, warm people cache")
    for copies in (int(c) for c in args.sizes.split(",")):
        name = f"x{copies}"
        for code in codes:
            index_dir = (prepared_index(copies) if code.source == ROOT
                         else baseline_index(code, copies))
            paths = ["/api/v1/search?" + urllib.parse.urlencode(
                {k: v for k, v in q.items() if k in ("q", "outlet", "date_from")})
                for q in query_set(index_dir_for(copies))]
            out = measure(code, index_dir, paths, name)
            for count in (1, 100):
                add = out[f"add{count}"]
                rows_fresh.append([name, code.name, count, add["command"], add["after_commit"],
                                   add["command"] + add["after_commit"], out["steady_p50"],
                                   add["p50"], add["p99"], add["max"],
                                   f"{add['max'] / out['steady_p50']:.0f}x"])
            rows_ready.append([name, code.name, "yes" if out["page_cache"] else "no (too big)",
                               out["start"], out["boot"], out["first_p95"],
                               out["warm_p95"],
                               f"{out['first_p95'] / out['warm_p95']:.1f}x",
                               " / ".join(f"{rss:.0f}" for rss, _, _ in out["memory"]),
                               " / ".join(f"{pss:.0f}" for _, pss, _ in out["memory"]),
                               " / ".join(f"{mapped:.0f}" for _, _, mapped in out["memory"])])
            report(rows_fresh, rows_ready)
    return 0


def report(rows_fresh: list, rows_ready: list) -> None:
    print_table(["workload", "code", "articles added", "add command s", "then visible s",
                 "total s", "steady p50 ms", "p50 ms meanwhile", "p99 ms", "max ms",
                 "max vs steady p50"], rows_fresh,
                title="Freshness: `index add` until every worker answers with the articles, "
                      "under two clients sending the query mix")
    print_table(["workload", "code", "files read into page cache first",
                 "serve to first answer s", "worker boot to first answer s",
                 "first-pass p95 ms", "warm p95 ms", "first vs warm", "RSS per worker MB",
                 "PSS per worker MB", "of which index pages MB"],
                rows_ready, title="Readiness and memory (searchapp serve, 2 workers)")


if __name__ == "__main__":
    sys.exit(main())
