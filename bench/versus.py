"""This code against an earlier release, in the same run: the scale benchmark's query mix
(200 queries, top 10 and three facets) on the same index, and whether both answer it alike.

    python -m bench.versus --baseline REV [--sizes 1,5] [--rounds 3]

A refactor must leave behaviour and speed as they were. Each code runs in a process of its
own (the baseline from a git worktree of REV, bench/.work/baseline-REV), the rounds
alternate the two, and each query's figure is its median over the rounds. The answers
(ids and scores of the top 10, and the facet counts) are compared query by query. Only the
engine's public API is used, which both releases have.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from bench.freshness import Code, baseline_code
from bench.scale import percentiles, query_set
from bench.table import print_table
from bench.workloads import ROOT, prepared_index

# Run inside each code's own process (its searchapp first on the path): times every query
# of the mix once, after one warm-up pass, and records what it answered.
MEASURE = r"""
import json, sys, time
from datetime import date
from searchapp.engine import IndexStore, Searcher
from searchapp.engine.types import SearchRequest

index_dir, queries_file, out_file = sys.argv[1:4]
queries = json.load(open(queries_file))
searcher = Searcher(IndexStore(index_dir))

def request(q):
    return SearchRequest(
        q=q["q"], outlets=[q["outlet"]] if q.get("outlet") else [],
        date_from=date.fromisoformat(q["date_from"]) if q.get("date_from") else None,
        per_page=10, facet_size=10, date_interval="month")

for q in queries:
    searcher.search(request(q))
times, answers = [], []
for q in queries:
    started = time.perf_counter()
    result = searcher.search(request(q))
    times.append((time.perf_counter() - started) * 1000)
    answers.append([result.total, [(h.id, h.score) for h in result.hits],
                    {name: [(b.value, b.count) for b in buckets]
                     for name, buckets in result.facets.items()}])
json.dump({"ms": times, "answers": answers}, open(out_file, "w"))
"""


def measure(code: Code, index_dir: Path, queries_file: Path) -> dict:
    with tempfile.NamedTemporaryFile(suffix=".json") as out:
        subprocess.run([sys.executable, "-c", MEASURE, str(index_dir), str(queries_file),
                        out.name], cwd=code.source, env=code.env(), check=True)
        return json.loads(Path(out.name).read_text())


def differing(ours: list, theirs: list) -> int:
    """Queries whose answers differ (scores compared to 4 decimals)."""
    def rounded(answer):
        total, hits, facets = answer
        return total, [(i, None if s is None else round(s, 4)) for i, s in hits], facets
    return sum(rounded(a) != rounded(b) for a, b in zip(ours, theirs, strict=True))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", required=True, help="git revision to compare with")
    parser.add_argument("--sizes", default="1", help="copies of the corpus per workload")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)
    codes = [Code("this code", ROOT), baseline_code(args.baseline)]
    rows = []
    for copies in [int(s) for s in args.sizes.split(",")]:
        index_dir = prepared_index(copies)
        queries = query_set(index_dir)
        with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as handle:
            json.dump(queries, handle)
        queries_file = Path(handle.name)
        runs: dict[str, list[dict]] = {code.name: [] for code in codes}
        for round_ in range(args.rounds):
            for code in codes if round_ % 2 == 0 else codes[::-1]:
                print(f"[x{copies}] round {round_ + 1}: {code.name} ...", flush=True)
                runs[code.name].append(measure(code, index_dir, queries_file))
        queries_file.unlink()
        p95 = {}
        for code in codes:
            per_query = [statistics.median(run["ms"][i] for run in runs[code.name])
                         for i in range(len(queries))]
            p50, p95[code.name], p99 = percentiles(per_query)
            rows.append([f"x{copies}", code.name, f"{p50:.1f}", f"{p95[code.name]:.1f}",
                         f"{p99:.1f}", ""])
        ours, theirs = (runs[code.name][0]["answers"] for code in codes)
        rows.append([f"x{copies}", "this / before", "",
                     f"{p95[codes[0].name] / p95[codes[1].name]:.2f}x", "",
                     f"{differing(ours, theirs)} of {len(queries)} differ"])
    print_table(["workload", "code", "p50 ms", "p95 ms", "p99 ms", "answers"], rows)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
