"""The research endpoints on the 37,554 AllSides articles, through `searchapp serve`.

    python -m bench.research [--index-dir DIR]

Export: every article as CSV and as JSON Lines, streamed by one worker: seconds, the
worker's peak RSS before and after (VmHWM), and whether the CSV parses back to every
article id of the index. Timeline: `q=coronavirus` by month, its ratio per month around the
peak and whether counts plus undated add up to /search's total; its cost next to a
/search with the date facet alone, median of five.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import statistics
import time
import urllib.request
from pathlib import Path

from bench.freshness import Code, _first_answer, _serve
from bench.table import print_table
from bench.workloads import ROOT, prepared_index
from tests.servers import children, stop


def _peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _get(url: str) -> tuple[bytes, float]:
    started = time.perf_counter()
    with urllib.request.urlopen(url, timeout=600) as response:
        data = response.read()
    return data, time.perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--index-dir", type=Path, default=None,
                        help="an index of the AllSides articles (default: bench's x1 index)")
    args = parser.parse_args(argv)
    index_dir = args.index_dir or prepared_index(1)
    server, base = _serve(Code("this code", ROOT), index_dir, 1)
    try:
        _first_answer(base, "/api/v1/health", time.monotonic())
        worker = children(server.pid)[0]
        total = json.loads(_get(base + "/api/v1/search?facets=")[0])["total"]
        rows = []
        for kind in ("csv", "jsonl"):
            before = _peak_rss_mb(worker)
            data, seconds = _get(f"{base}/api/v1/export?format={kind}")
            after = _peak_rss_mb(worker)
            if kind == "csv":
                ids = [r["id"] for r in csv.DictReader(io.StringIO(data.decode("utf-8")))]
            else:
                ids = [json.loads(line)["id"] for line in data.decode("utf-8").splitlines()]
            rows.append([kind, f"{len(data) / 2**20:,.0f}", f"{seconds:.1f}",
                         f"{len(ids) / seconds:,.0f}", f"{before:.0f}", f"{after:.0f}",
                         len(ids), "yes" if len(set(ids)) == len(ids) == total else "NO"])
        print_table(["format", "MB", "seconds", "articles/s", "worker peak RSS before MB",
                     "after MB", "rows", "every id once"], rows,
                    title=f"Export of all {total:,} articles (one worker)")

        url = f"{base}/api/v1/timeline?q=coronavirus&date_interval=month"
        result = json.loads(_get(url)[0])
        series = result["series"][0]
        found = json.loads(_get(base + "/api/v1/search?q=coronavirus&facets=")[0])["total"]
        peak = max(series["buckets"], key=lambda b: b["ratio"])
        shown = [b for b in series["buckets"] if "2019-09" <= b["value"] <= "2020-08"]
        print_table(["month", "count", "total", "ratio"],
                    [[b["value"], b["count"], b["total"], f"{b['ratio']:.4f}"] for b in shown],
                    title="Timeline q=coronavirus by month (2019-09 .. 2020-08)")
        before = [b["ratio"] for b in series["buckets"] if b["value"] < "2019-12"]
        counted = sum(b["count"] for b in series["buckets"])
        print(f"peak ratio {peak['ratio']:.4f} in {peak['value']}; highest before 2019-12: "
              f"{max(before, default=0):.4f}; counts {counted} + undated {series['undated']} "
              f"= {series['total']} (search total {found})")
        timeline_ms = statistics.median(_get(url)[1] * 1000 for _ in range(5))
        facet_ms = statistics.median(_get(
            base + "/api/v1/search?q=coronavirus&facets=date&date_interval=month")[1] * 1000
            for _ in range(5))
        print(f"timeline {timeline_ms:.1f} ms, search with the date facet {facet_ms:.1f} ms "
              f"(median of 5, over HTTP)")
    finally:
        stop(server)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
