"""Build and query speed at scale: the AllSides corpus (37,554 articles) and a ~190,000
article set derived from it, our engine side by side with plain whoosh, SQLite FTS5 and
tantivy on the same articles and the same 200 queries, plus HTTP throughput of
`gunicorn -w 2` under load from wrk.

    pip install ".[bench]" && python -m bench.scale [--sizes 1,5] [--runs 3] [--naive-queries 20]

Figures are medians of --runs repetitions; compare ratios within one run.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

from bench.other_engines import SqliteFts, TantivyIndex
from bench.table import print_table
from bench.workloads import (
    DEFAULT_CORPUS,
    ROOT,
    WORK,
    corpus_for,
    index_dir_for,
    seed_people_cache,
    timed_build,
)
from searchapp.engine import IndexStore, Searcher
from searchapp.engine.read.facets import EPOCH, NO_DAY
from searchapp.engine.read.snapshots import open_snapshot
from searchapp.engine.schema import split_list
from searchapp.engine.types import SearchRequest

QUERIES = 200


def stored_articles(index_dir: Path):
    """The indexed articles as the other engines get them (same text, outlet, people), and
    each one's story (bench.relevance's headline judgments)."""
    snap = open_snapshot(IndexStore(index_dir), {})
    columns = snap.columns
    for docnum in map(int, columns.live.nonzero()[0]):
        stored = snap.searcher.stored_fields(docnum)
        day = int(columns.day.days[docnum])
        people = [columns.person.display(p) for p in split_list(stored.get("people"))]
        yield {"id": stored["id"], "title": stored.get("title", ""), "body": stored.get("body", ""),
               "outlet": stored.get("outlet", ""), "people": list(dict.fromkeys(people)),
               "day": None if day == NO_DAY else (EPOCH + timedelta(days=day)).isoformat(),
               "story": stored.get("story", "")}


# ---- the query set ----------------------------------------------------------------------
def query_set(index_dir: Path, seed: int = 7) -> list[dict]:
    """200 queries: words and pairs across frequency ranks, people as phrases, and
    queries with an outlet or a date filter."""
    rng = random.Random(seed)
    searcher = Searcher(IndexStore(index_dir))
    snap = open_snapshot(IndexStore(index_dir), {})
    words: Counter = Counter()
    for docnum in range(0, snap.columns.doc_count, max(1, snap.columns.doc_count // 3000)):
        title = snap.searcher.stored_fields(docnum).get("title", "")
        words.update(w.lower() for w in title.split() if w.isalpha() and len(w) > 3)
    ranked = [w for w, _ in words.most_common()]

    def across_ranks(n: int) -> list[str]:
        return [ranked[min(len(ranked) - 1, int(len(ranked) ** (i / n)))] for i in range(n)]

    singles = across_ranks(60)
    rng.shuffle(ranked)
    pairs = [f"{a} {b}" for a, b in zip(across_ranks(40), rng.sample(ranked[:2000], 40),
                                         strict=True)]
    people = [b.value for b in searcher.facet_values("person", "", 200) if " " in b.value]
    outlets = [b.value for b in searcher.facet_values("outlet", "", 20)]
    queries = [{"q": w} for w in singles] + [{"q": p} for p in pairs]
    queries += [{"q": f'"{p}"', "phrase": True} for p in rng.sample(people, min(40, len(people)))]
    queries += [{"q": rng.choice(singles), "outlet": rng.choice(outlets)} for _ in range(30)]
    queries += [{"q": rng.choice(singles), "date_from": f"{rng.randint(2013, 2019)}-01-01"}
                for _ in range(30)]
    return queries[:QUERIES]


# ---- engines ----------------------------------------------------------------------------
def mix_request(query: dict, **options) -> SearchRequest:
    """A query of the mix as the page asks it: top 10, three facets, its filter if any."""
    return SearchRequest(
        q=query["q"], outlets=[query["outlet"]] if query.get("outlet") else [],
        date_from=date.fromisoformat(query["date_from"]) if query.get("date_from") else None,
        per_page=10, facet_size=10, date_interval="month", **options)


def run_ours(searcher: Searcher, query: dict) -> None:
    searcher.search(mix_request(query))


def naive_whoosh(searcher: Searcher):
    from whoosh import query as wq
    from whoosh import sorting

    snap = open_snapshot(searcher.store, {})
    facets = {"outlet": sorting.FieldFacet("outlet"),
              "person": sorting.FieldFacet("people", allow_overlap=True),
              "date": sorting.FieldFacet("day")}

    def run(query: dict) -> None:
        q = snap.query_text.parse(query["q"])
        filters = []
        if query.get("outlet"):
            filters.append(wq.Term("outlet", query["outlet"]))
        if query.get("date_from"):
            filters.append(wq.TermRange("day", query["date_from"], None))
        results = snap.searcher.search(q, limit=10, groupedby=facets,
                                       filter=wq.And(filters) if filters else None)
        for name in facets:
            results.groups(name)
    return run


def faceted(engine):
    """A query runner for an engine of bench.other_engines."""
    def run(query: dict) -> None:
        engine.search_with_facets(query["q"], query.get("phrase", False), query.get("outlet"),
                                  query.get("date_from"))
    return run


def latencies(run, queries: list[dict], runs: int) -> list[float]:
    """Per-query median latency over `runs` passes, in milliseconds."""
    per_query = [[] for _ in queries]
    for _ in range(runs):
        for i, query in enumerate(queries):
            started = time.perf_counter()
            run(query)
            per_query[i].append((time.perf_counter() - started) * 1000)
    return [statistics.median(t) for t in per_query]


def percentiles(values: list[float]) -> tuple[float, float, float]:
    ordered = sorted(values)

    def at(p: float) -> float:
        return ordered[min(len(ordered) - 1, int(round(p * (len(ordered) - 1))))]
    return at(0.50), at(0.95), at(0.99)


# ---- serving ----------------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def serve_and_load(index_dir: Path, queries: list[dict], seconds: int) -> dict:
    port = free_port()
    env = {**os.environ, "SEARCHAPP_INDEX_DIR": str(index_dir)}
    master = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-w", "2", "-b", f"127.0.0.1:{port}", "wsgi:app"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(600):
            try:
                urllib.request.urlopen(f"{base}/api/v1/health", timeout=60).read()
                break
            except OSError:
                time.sleep(0.5)
        paths = []
        for query in queries:
            params = {"q": query["q"]}
            if query.get("outlet"):
                params["outlet"] = query["outlet"]
            if query.get("date_from"):
                params["date_from"] = query["date_from"]
            paths.append("/api/v1/search?" + urllib.parse.urlencode(params))
        for path in paths:  # warm both workers' caches
            urllib.request.urlopen(base + path, timeout=60).read()
        script = index_dir.parent / "paths.lua"
        script.write_text(
            "paths = {" + ",".join(json.dumps(p) for p in paths) + "}\n"
            "i = 0\nrequest = function()\n  i = i % #paths + 1\n"
            "  return wrk.format(\"GET\", paths[i])\nend\n")
        workers = [int(p) for p in subprocess.run(
            ["pgrep", "-P", str(master.pid)], capture_output=True, text=True).stdout.split()]
        out = subprocess.run(["wrk", "-t2", "-c8", f"-d{seconds}s", "-s", str(script), base],
                             capture_output=True, text=True, timeout=seconds + 60).stdout
        rate = float(next(line.split()[1] for line in out.splitlines()
                          if line.startswith("Requests/sec")))
        non2xx = next((int(line.split()[-1]) for line in out.splitlines()
                       if "Non-2xx" in line), 0)
        socket_errors = next((line for line in out.splitlines() if "Socket errors" in line), "")
        return {"rps": rate, "errors": non2xx, "socket": socket_errors.strip(),
                "rss": [rss_mb(pid) for pid in workers]}
    finally:
        master.send_signal(signal.SIGTERM)
        master.wait(timeout=30)


# ---- main -------------------------------------------------------------------------------
def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--sizes", default="1,5", help="copies of the corpus per workload")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--load-seconds", type=int, default=20)
    parser.add_argument("--naive-queries", type=int, default=20,
                        help="queries (spread over the set, one run) for plain whoosh")
    parser.add_argument("--fresh", action="store_true", help="discard the work folder first")
    parser.add_argument("--work", type=Path, default=WORK, help="folder for indexes and data")
    args = parser.parse_args(argv)
    work = args.work
    if args.fresh and work.exists():
        shutil.rmtree(work)
    work.mkdir(parents=True, exist_ok=True)
    build_rows, query_rows, serve_rows = [], [], []
    for copies in (int(c) for c in args.sizes.split(",")):
        name = f"x{copies}"
        corpus = corpus_for(copies, work, args.corpus)
        index_dir = index_dir_for(copies, work)
        first_label = seed_people_cache(index_dir, work)
        print(f"[{name}] building ...", flush=True)
        builds = [(first_label, timed_build(index_dir, corpus))]
        if first_label.startswith("first"):  # a warm first build is already the rebuild case
            builds.append(("rebuild (warm people cache)", timed_build(index_dir, corpus)))
        for label, b in builds:
            build_rows.append([name, label, b["articles"], b["seconds"], b["rate"], b["size_mb"]])
        first = builds[0][1]

        print(f"[{name}] other engines ...", flush=True)
        sqlite_path = work / f"{name}.sqlite"
        sqlite_path.unlink(missing_ok=True)
        fts = SqliteFts(sqlite_path)
        started = time.perf_counter()
        fts.build(stored_articles(index_dir))
        seconds = time.perf_counter() - started
        build_rows.append([name, "SQLite FTS5 build (text only, no people)", first["articles"],
                           seconds, first["articles"] / seconds,
                           sqlite_path.stat().st_size / 1e6])
        try:
            shutil.rmtree(work / f"{name}-tantivy", ignore_errors=True)
            tantivy = TantivyIndex(work / f"{name}-tantivy")
            started = time.perf_counter()
            tantivy.build(stored_articles(index_dir))
            seconds = time.perf_counter() - started
            build_rows.append([name, "tantivy build (text only, no people)", first["articles"],
                               seconds, first["articles"] / seconds, sum(
                                   p.stat().st_size for p in (work / f"{name}-tantivy").rglob("*")
                                   if p.is_file()) / 1e6])
        except ImportError:
            tantivy = None

        queries = query_set(index_dir)
        searcher = Searcher(IndexStore(index_dir))
        engines = [("searchapp", lambda q, s=searcher: run_ours(s, q)),
                   ("whoosh groupedby (naive)", naive_whoosh(searcher)),
                   ("SQLite FTS5 + GROUP BY", faceted(fts))]
        if tantivy:
            engines.append(("tantivy + aggregations", faceted(tantivy)))
        ours = None
        for engine, run in engines:
            print(f"[{name}] querying {engine} ...", flush=True)
            # plain whoosh takes seconds a query with the people facet: a spread subset, once
            chosen = (list(range(0, len(queries), max(1, len(queries) // args.naive_queries)))
                      if engine.startswith("whoosh") else list(range(len(queries))))
            runs = 1 if engine.startswith("whoosh") else args.runs
            times = latencies(run, [queries[i] for i in chosen], runs)
            ours = ours or times
            p50, p95, p99 = percentiles(times)
            ours_p95 = percentiles([ours[i] for i in chosen])[1]
            query_rows.append([name, engine, f"{len(chosen)} x {runs}", p50, p95, p99,
                               f"{p95 / ours_p95:.1f}x"])

        print(f"[{name}] serving ...", flush=True)
        served = serve_and_load(index_dir, queries, args.load_seconds)
        serve_rows.append([name, served["rps"], served["errors"], served["socket"] or "none",
                           " / ".join(f"{r:.0f}" for r in served["rss"])])
        fts.close()
        report(build_rows, query_rows, serve_rows, args)  # after each workload: a crash
        # later keeps what was measured
    return 0


def report(build_rows: list, query_rows: list, serve_rows: list, args) -> None:
    print_table(["workload", "build", "articles", "seconds", "articles/s", "size MB"],
                build_rows, title="Builds")
    print_table(["workload", "engine", "queries x runs", "p50 ms", "p95 ms", "p99 ms",
                 "p95 vs ours"], query_rows,
                title="Queries: top 10 + outlet/person/date facets, per-query median of the "
                      "runs; 'vs ours' on the same queries")
    print_table(["workload", "requests/s", "non-2xx", "socket errors", "worker RSS MB"],
                serve_rows, title=f"HTTP: gunicorn -w 2, wrk -t2 -c8 -d{args.load_seconds}s, "
                                  f"the {QUERIES}-query mix")


if __name__ == "__main__":
    raise SystemExit(main())
