"""The worst requests a client can send, over HTTP against `searchapp serve` (2 workers): the
wildcards, ranges, long and odd queries, huge article and suggestion paths that used to take
a worker down, each answered (a result, a 4xx or a 503) and timed, next to ordinary queries
measured in the same run.

    pip install ".[bench]" && python -m bench.hostile [--sizes 1,5]

The target is every request answered in under 2 s at 187,770 articles (x5), /health included
while two of the slowest run at once. A 50 MB article is added to each index for the run
(cut to 200,000 characters at ingest) and deleted afterwards.
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

from bench.scale import query_set
from bench.table import print_table
from bench.workloads import prepared_index
from searchapp.engine import Indexer, IndexStore
from searchapp.ingest import SAMPLE_DIR
from searchapp.pipeline import add_to_index
from tests.servers import SEARCHAPP_SERVE, fetch, serving

HUGE_ID = "bench-huge-article"
HUGE_MB = 50
REPEATS = 4
TARGET_MS = 2000
PASTED = SAMPLE_DIR / "001_e714217c4ce465dd.txt"  # a paragraph pasted as a query


def pasted_words(limit: int = 1000) -> str:
    """The distinct words of a sample article, up to `limit` characters: many common words."""
    words = list(dict.fromkeys(re.findall(r"[A-Za-z]{3,}", PASTED.read_text(encoding="utf-8"))))
    text = ""
    for word in words:
        if len(text) + len(word) + 1 > limit:
            break
        text = f"{text} {word}".strip()
    return text


def worst_requests() -> list[tuple[str, str]]:
    """(label, path) of the requests that used to be expensive, and a few more."""
    def search(q: str, **extra) -> str:
        return "/api/v1/search?" + urllib.parse.urlencode({"q": q, **extra})

    pasted = pasted_words()
    unknown = " ".join(f"zq{i:02d}xkvwp" for i in range(100))[:1000]
    return [
        ("q=*", search("*")), ("q=**", search("**")), ("q=a*", search("a*")),
        ("q=t*", search("t*")), ("q=tru*", search("tru*")), ("q=*e*", search("*e*")),
        ("q=[a TO z]", search("[a TO z]")), ("q=title:[a TO z]", search("title:[a TO z]")),
        ("q=person:*", search("person:*")), ("q=outlet:*", search("outlet:*")),
        ("q=published:[1900 TO 2100]", search("published:[1900 TO 2100]")),
        ("q=published:2016-03", search("published:2016-03")),
        ("q=1,000 x 'a'", search("a" * 1000)), ("q=100 unknown words", search(unknown)),
        ("q=1,000 CJK characters", search("中" * 1000)), ("q=1,000 emoji", search("😀" * 1000)),
        (f"q={len(pasted.split())} words of an article", search(pasted)),
        ('q="president said white house"~5', search('"president said white house"~5')),
        ("q=400 nested brackets", search("(" * 400 + "trump" + ")" * 400)),
        ("q=trump, page 100 of 100", search("trump", page=100, per_page=100)),
        ("q=trump, oldest, page 100 of 100",
         search("trump", sort="oldest", page=100, per_page=100)),
        ("q=quartzite (the huge article), 100 per page", search("quartzite", per_page=100)),
        ("/articles/<huge>", f"/api/v1/articles/{HUGE_ID}"),
        ("/articles/<huge>/similar?limit=50", f"/api/v1/articles/{HUGE_ID}/similar?limit=50"),
        ("/facets/person?prefix=a&size=100", "/api/v1/facets/person?prefix=a&size=100"),
        ("/facets/person?size=100", "/api/v1/facets/person?size=100"),
    ]


def add_huge_article(index_dir: Path, folder: Path, sample_body: str) -> None:
    """A 50 MB text file of real article text, as a careless crawl would deliver it."""
    texts = folder / "huge"
    texts.mkdir(exist_ok=True)
    with open(texts / f"{HUGE_ID}.txt", "w", encoding="utf-8") as handle:
        handle.write("An enormous article about quartzite\n\n")
        block = (sample_body + " quartzite\n") * 50
        for _ in range(HUGE_MB * 2**20 // len(block.encode()) + 1):
            handle.write(block)
    add_to_index(IndexStore(index_dir), [texts], workers=1)


def timed(base: str, path: str) -> tuple[int, float]:
    started = time.perf_counter()
    status = fetch(base + path, timeout=120)[0]
    return status, (time.perf_counter() - started) * 1000


def health_under_load(base: str, path: str, seconds: float = 10) -> float:
    """Worst /health latency while two clients send `path` back to back (bounded)."""
    stop = time.monotonic() + seconds

    def hammer() -> None:
        for _ in range(200):
            if time.monotonic() > stop:
                return
            fetch(base + path, timeout=120)

    threads = [threading.Thread(target=hammer) for _ in range(2)]
    for thread in threads:
        thread.start()
    worst = 0.0
    while time.monotonic() < stop:
        worst = max(worst, timed(base, "/api/v1/health")[1])
        time.sleep(0.2)
    for thread in threads:
        thread.join()
    return worst


def run_workload(copies: int, rows: list, summary: list) -> None:
    name = f"x{copies}"
    index_dir = prepared_index(copies)
    normal = ["/api/v1/search?" + urllib.parse.urlencode(
        {k: v for k, v in q.items() if k in ("q", "outlet", "date_from")})
        for q in query_set(index_dir)]
    with tempfile.TemporaryDirectory() as scratch:
        body = "Sergey Lavrov met Wang Yi in Moscow, the foreign ministry said on Wednesday."
        print(f"[{name}] adding a {HUGE_MB} MB article ...", flush=True)
        add_huge_article(index_dir, Path(scratch), body)
        try:
            with serving(SEARCHAPP_SERVE + ["--index-dir", str(index_dir)], index_dir) as base:
                print(f"[{name}] warming both workers ...", flush=True)
                for path in normal * 2:
                    fetch(base + path, timeout=120)
                baseline = sorted(timed(base, path)[1] for path in normal)
                p50 = statistics.median(baseline)
                slowest = (0.0, "")
                for label, path in worst_requests():
                    results = [timed(base, path) for _ in range(REPEATS)]
                    worst_ms = max(ms for _, ms in results)
                    slowest = max(slowest, (worst_ms, path))
                    statuses = ",".join(str(status) for status, _ in results)
                    later = statistics.median(ms for _, ms in results[1:])
                    rows.append([name, label, statuses, results[0][1], later, worst_ms,
                                 f"{worst_ms / p50:.0f}x", "yes" if worst_ms < TARGET_MS
                                 else "NO"])
                print(f"[{name}] /health while two clients send the slowest ...", flush=True)
                health = health_under_load(base, slowest[1])
                summary.append([name, len(normal), p50, baseline[int(0.95 * len(baseline))],
                                slowest[0], health])
        finally:
            Indexer(IndexStore(index_dir)).delete([HUGE_ID])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="1,5", help="copies of the corpus per workload")
    args = parser.parse_args(argv)
    rows: list = []
    summary: list = []
    for copies in (int(c) for c in args.sizes.split(",")):
        run_workload(copies, rows, summary)
        report(rows, summary)
    failures = [row for row in rows if row[-1] == "NO"]
    return 1 if failures or any(s[-1] >= TARGET_MS for s in summary) else 0


def report(rows: list, summary: list) -> None:
    print_table(["workload", "request", f"statuses of {REPEATS}", "first ms",
                 "median of the rest ms", "max ms", "max vs ordinary p50", f"< {TARGET_MS} ms"],
                rows,
                title="Worst requests over HTTP (searchapp serve, 2 workers, warm)")
    print_table(["workload", "ordinary queries", "p50 ms", "p95 ms", "slowest worst ms",
                 "worst /health ms under 2 clients"], summary,
                title="Ordinary queries (the bench.scale mix) in the same run")


if __name__ == "__main__":
    sys.exit(main())

