"""What the rankings beyond BM25 cost: the scale benchmark's query mix (top 10 and three
facets, 200 queries) with `rank=bm25` (the ranking before proximity and feedback), with
the default `rank=best`, and with `explain=true` as the page asks, one after the other on
the same index in the same run; and the same for 50 headline questions, the queries
feedback runs on.

    python -m bench.ranking_cost [--sizes 1,5] [--runs 5]

The indexes are the scale benchmark's workloads (bench/.work), built once if missing.
Each query's figure is its median over --runs passes; the passes alternate the rankings.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time

from bench.other_engines import words
from bench.scale import mix_request, percentiles, query_set
from bench.table import print_table
from bench.workloads import WORK, prepared_index
from searchapp.engine import IndexStore, Searcher
from searchapp.engine.read.snapshots import open_snapshot
from searchapp.engine.types import SearchRequest

# (rank, explain): the ranking before this release, the default, and the page's request
RANKS = (("bm25", False), ("best", False), ("best", True))
QUESTIONS = 50


def request(query: dict, rank: tuple[str, bool]) -> SearchRequest:
    return mix_request(query, rank=rank[0], explain=rank[1])


def headline_questions(index_dir, count: int, seed: int = 5) -> list[dict]:
    snap = open_snapshot(IndexStore(index_dir), {})
    rng = random.Random(seed)
    titles = []
    while len(titles) < count:
        title = snap.searcher.stored_fields(rng.randrange(snap.columns.doc_count)).get("title", "")
        if len(words(title)) >= 3:
            titles.append({"q": " ".join(words(title))})
    return titles


def medians(searcher: Searcher, queries: list[dict], runs: int
            ) -> dict[tuple[str, bool], list[float]]:
    times = {rank: [[] for _ in queries] for rank in RANKS}
    for _ in range(runs):
        for rank in RANKS:
            for i, query in enumerate(queries):
                started = time.perf_counter()
                searcher.search(request(query, rank))
                times[rank][i].append((time.perf_counter() - started) * 1000)
    return {rank: [statistics.median(t) for t in per_query] for rank, per_query in times.items()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="1,5", help="copies of the corpus per workload")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    rows = []
    for copies in (int(c) for c in args.sizes.split(",")):
        index_dir = prepared_index(copies, WORK)
        searcher = Searcher(IndexStore(index_dir))
        for label, queries in (("query mix (200)", query_set(index_dir)),
                               (f"headline questions ({QUESTIONS})",
                                headline_questions(index_dir, QUESTIONS))):
            for query in queries:  # warm the postings both rankings read
                for rank in RANKS:
                    searcher.search(request(query, rank))
            timed = medians(searcher, queries, args.runs)
            base_p95 = percentiles(timed[RANKS[0]])[1]
            for rank in RANKS:
                p50, p95, p99 = percentiles(timed[rank])
                name = f"rank={rank[0]}" + (" explain=true" if rank[1] else "")
                rows.append([f"x{copies}", label, name, p50, p95, p99,
                             f"{p95 / base_p95:.2f}x"])
    print_table(["workload", "queries", "ranking", "p50 ms", "p95 ms", "p99 ms",
                 "p95 vs bm25"], rows, title="Cost of the ranking (target: query mix p95 "
                 "within 1.3x of rank=bm25)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
