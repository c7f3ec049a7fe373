"""Ranking quality on Cranfield and CISI: our engine vs SQLite FTS5 and tantivy BM25.

    python -m bench.relevance [--data ../shared/data]

Each collection is converted to our JSONL schema, indexed with our indexer, and every
judged query runs through `Searcher.search` (the API's path: default query parser,
relevance sort). The same documents and queries go to SQLite FTS5 `bm25()` and, when the
`bench` extra is installed, tantivy. Prints nDCG@10, MAP (top 1000) and recall@100.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

from bench.ir_collections import Collection, cisi, cranfield
from bench.metrics import average_precision, ndcg_at, recall_at
from bench.other_engines import SqliteFts, TantivyIndex
from bench.table import print_table
from searchapp.engine import IndexStore, Searcher
from searchapp.engine.types import SearchRequest
from searchapp.pipeline import build_index

DEPTH = 1000
DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"


def to_jsonl(collection: Collection, path: Path) -> Path:
    """Our schema: id, title, body (aeronautics and library-science abstracts)."""
    with path.open("w", encoding="utf-8") as out:
        for doc_id, doc in collection.docs.items():
            title = doc["title"] or doc["body"][:80] or doc_id
            out.write(json.dumps({"id": doc_id, "title": title,
                                  "body": doc["body"] or title}) + "\n")
    return path


def ours(collection: Collection, work: Path):
    store = IndexStore(work / "index")
    # Scientific abstracts name no people worth a facet, so extraction is skipped.
    build_index(store, [to_jsonl(collection, work / "docs.jsonl")], people=False)
    searcher = Searcher(store)

    def run(text: str) -> list[str]:
        request = SearchRequest(q=text, per_page=DEPTH, facets=(), snippets=False)
        return [hit.id for hit in searcher.search(request).hits]
    return run


def sqlite(collection: Collection, work: Path):
    engine = SqliteFts(work / "fts.sqlite")
    engine.build({"id": i, **d} for i, d in collection.docs.items())
    return lambda text: engine.search(text, DEPTH)


def tantivy(collection: Collection, work: Path):
    try:
        engine = TantivyIndex(work / "tantivy")
    except ImportError:
        return None
    engine.build({"id": i, **d} for i, d in collection.docs.items())
    return lambda text: engine.search(text, DEPTH)


def evaluate(collection: Collection, run) -> dict[str, float]:
    scores = {"ndcg@10": 0.0, "map": 0.0, "recall@100": 0.0}
    started = time.perf_counter()
    for qid, text in collection.queries.items():
        ranked = run(text)
        gains = collection.qrels[qid]
        scores["ndcg@10"] += ndcg_at(ranked, gains, 10)
        scores["map"] += average_precision(ranked, gains)
        scores["recall@100"] += recall_at(ranked, gains, 100)
    n = len(collection.queries)
    result = {k: v / n for k, v in scores.items()}
    result["ms/query"] = (time.perf_counter() - started) * 1000 / n
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    args = parser.parse_args(argv)
    rows = []
    for collection in (cranfield(args.data / "cranfield"), cisi(args.data / "cisi")):
        with tempfile.TemporaryDirectory() as tmp:
            results = {}
            for name, factory in (("searchapp", ours), ("sqlite-fts5", sqlite),
                                  ("tantivy", tantivy)):
                work = Path(tmp) / name
                work.mkdir()
                run = factory(collection, work)
                if run is None:
                    print("(tantivy not installed: pip install '.[bench]')")
                    continue
                results[name] = evaluate(collection, run)
            best_other = max(r["ndcg@10"] for n, r in results.items() if n != "searchapp")
            for name, r in results.items():
                tantivy_ndcg = results.get("tantivy", {}).get("ndcg@10")
                ratio = r["ndcg@10"] / tantivy_ndcg if tantivy_ndcg else None
                rows.append([collection.name, name, r["ndcg@10"], r["map"], r["recall@100"],
                             f"{ratio:.2f}x" if ratio else "-", r["ms/query"]])
            verdict = "meets" if results["searchapp"]["ndcg@10"] >= best_other else "below"
            rows.append([collection.name, f"searchapp {verdict} best other", "", "", "", "", ""])
    print_table(["collection", "engine", "nDCG@10", "MAP", "recall@100", "vs tantivy",
                 "ms/query"], rows, title="Ranking quality (queries: "
                 "Cranfield 225 by position, gains 1->4..4->1, -1->4; CISI 76 judged, .W only)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
