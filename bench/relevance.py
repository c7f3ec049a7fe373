"""Ranking quality: each of our rankings against SQLite FTS5 and tantivy BM25, same run.

    pip install ".[bench]" && python -m bench.relevance [--data ../shared/data] [--news 50]

Cranfield and CISI are converted to our JSONL schema, indexed with our indexer, and every
judged query runs through `Searcher.search` (the API's path: default query parser,
relevance sort) once per `rank` method (bm25, proximity, feedback, best). The same
documents and queries go to SQLite FTS5 `bm25()` and, when the `bench` extra is installed,
tantivy. Prints nDCG@10, MAP (top 1000) and recall@100, and each method's nDCG@10 as a
ratio of the better of FTS5 and tantivy (the target is 1.10x on each collection).

News: the AllSides articles are indexed (the scale benchmark's index when it is there, else
a new one without people: ranking does not read them), and
`--news` headlines drawn with a fixed seed become queries (the headline's words, lowercased
so "AND" is a word); the article itself and every copy in its story cluster are relevant.
Prints the mean reciprocal rank of the first relevant article in the top 100 (target:
1.05x tantivy's) and nDCG@10 with every copy of the story relevant (how many of the copies a
reader finds on the first page).
"""

from __future__ import annotations

import argparse
import json
import random
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from bench.ir_collections import Collection, cisi, cranfield
from bench.metrics import average_precision, ndcg_at, recall_at
from bench.other_engines import SqliteFts, TantivyIndex, words
from bench.scale import stored_articles
from bench.table import print_table
from bench.workloads import DEFAULT_CORPUS, index_dir_for
from searchapp.engine import IndexStore, Searcher
from searchapp.engine.types import RANKINGS, SearchRequest
from searchapp.pipeline import build_index

DEPTH = 1000
NEWS_DEPTH = 100
DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
METHODS = ("bm25", "proximity", "feedback", "best")
assert set(METHODS) == set(RANKINGS)


def to_jsonl(collection: Collection, path: Path) -> Path:
    """Our schema: id, title, body (aeronautics and library-science abstracts)."""
    with path.open("w", encoding="utf-8") as out:
        for doc_id, doc in collection.docs.items():
            title = doc["title"] or doc["body"][:80] or doc_id
            out.write(json.dumps({"id": doc_id, "title": title,
                                  "body": doc["body"] or title}) + "\n")
    return path


def ours(store: IndexStore, method: str, depth: int):
    searcher = Searcher(store)

    def run(text: str) -> list[str]:
        request = SearchRequest(q=text, per_page=depth, facets=(), snippets=False, rank=method)
        return [hit.id for hit in searcher.search(request).hits]
    return run


def sqlite(docs: list[dict], work: Path, depth: int):
    engine = SqliteFts(work / "fts.sqlite")
    engine.build(docs)
    return lambda text: engine.search(text, depth)


def tantivy(docs: list[dict], work: Path, depth: int):
    try:
        engine = TantivyIndex(work / "tantivy")
    except ImportError:
        return None
    engine.build(docs)
    return lambda text: engine.search(text, depth)


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


def other_engines(docs: list[dict], work: Path, depth: int) -> dict:
    runs = {"sqlite-fts5": sqlite(docs, _folder(work, "fts"), depth)}
    engine = tantivy(docs, _folder(work, "tantivy"), depth)
    if engine is None:
        print("(tantivy not installed: pip install '.[bench]')")
    else:
        runs["tantivy"] = engine
    return runs


def _folder(work: Path, name: str) -> Path:
    path = work / name
    path.mkdir(parents=True, exist_ok=True)
    return path


def collection_rows(collection: Collection, work: Path) -> list[list]:
    store = IndexStore(work / "index")
    # Scientific abstracts name no people worth a facet, so extraction is skipped.
    build_index(store, [to_jsonl(collection, work / "docs.jsonl")], people=False)
    docs = [{"id": i, **d} for i, d in collection.docs.items()]
    results = {f"searchapp rank={m}": evaluate(collection, ours(store, m, DEPTH))
               for m in METHODS}
    results.update({name: evaluate(collection, run)
                    for name, run in other_engines(docs, work, DEPTH).items()})
    best_other = max(r["ndcg@10"] for n, r in results.items() if not n.startswith("searchapp"))
    rows = [[collection.name, name, r["ndcg@10"], r["map"], r["recall@100"],
             f"{r['ndcg@10'] / best_other:.3f}x", r["ms/query"]] for name, r in results.items()]
    best = results["searchapp rank=best"]["ndcg@10"]
    verdict = "meets" if best >= 1.10 * best_other else "below"
    rows.append([collection.name, f"target 1.10x best other: rank=best {verdict}",
                 round(1.10 * best_other, 3), "", "", "", ""])
    return rows


# -- news: headlines as queries -------------------------------------------------------------
def headline_queries(docs: list[dict], count: int, seed: int = 11
                     ) -> list[tuple[str, set[str]]]:
    """(query, relevant ids): a headline's words, and its article's story copies."""
    story_of = {d["id"]: d["story"] or d["id"] for d in docs}
    members = defaultdict(set)
    for doc_id, story in story_of.items():
        members[story].add(doc_id)
    candidates = [d for d in docs if len(words(d["title"])) >= 3]
    picked = random.Random(seed).sample(candidates, min(count, len(candidates)))
    return [(" ".join(words(d["title"])), members[story_of[d["id"]]]) for d in picked]


def headline_measures(queries: list[tuple[str, set[str]]], run
                      ) -> tuple[float, float, float]:
    """MRR of the first relevant article, nDCG@10 over all the story's copies, ms/query."""
    reciprocal = ndcg = 0.0
    started = time.perf_counter()
    for text, relevant in queries:
        ranked = run(text)[:NEWS_DEPTH]
        reciprocal += next((1 / rank for rank, doc_id in enumerate(ranked, start=1)
                            if doc_id in relevant), 0.0)
        ndcg += ndcg_at(ranked, dict.fromkeys(relevant, 1), 10)
    n = len(queries)
    return reciprocal / n, ndcg / n, (time.perf_counter() - started) * 1000 / n


def news_rows(corpus: Path, count: int, work: Path) -> list[list]:
    store = IndexStore(index_dir_for(1))
    try:
        if corpus != DEFAULT_CORPUS:
            raise LookupError("another corpus")
        store.current_path()
        print(f"[news] the scale benchmark's index of the corpus: {store.root}", flush=True)
    except LookupError:
        store = IndexStore(work / "index")
        print(f"[news] indexing {corpus.name} without people (a few minutes) ...", flush=True)
        build_index(store, [corpus], people=False)
    docs = list(stored_articles(store.root))
    queries = headline_queries(docs, count)
    results = {f"searchapp rank={m}": headline_measures(queries, ours(store, m, NEWS_DEPTH))
               for m in METHODS}
    results.update({name: headline_measures(queries, run)
                    for name, run in other_engines(docs, work, NEWS_DEPTH).items()})
    reference = results.get("tantivy", (None,))[0]
    copies = sum(len(relevant) for _, relevant in queries) / len(queries)
    rows = [["AllSides", name, mrr, f"{mrr / reference:.3f}x" if reference else "-", ndcg, ms]
            for name, (mrr, ndcg, ms) in results.items()]
    if reference:
        best = results["searchapp rank=best"][0]
        verdict = "meets" if best >= 1.05 * reference else "below"
        rows.append(["AllSides", f"target 1.05x tantivy: rank=best {verdict}",
                     round(1.05 * reference, 3), "", "", ""])
    rows.append(["AllSides", f"(relevant per query: {copies:.2f} articles on average)",
                 "", "", "", ""])
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS,
                        help="news articles for the headline queries")
    parser.add_argument("--news", type=int, default=50,
                        help="headline queries (0: skip the news part)")
    args = parser.parse_args(argv)
    rows = []
    for collection in (cranfield(args.data / "cranfield"), cisi(args.data / "cisi")):
        with tempfile.TemporaryDirectory() as tmp:
            rows += collection_rows(collection, Path(tmp))
    print_table(["collection", "engine", "nDCG@10", "MAP", "recall@100", "vs best other",
                 "ms/query"], rows, title="Ranking quality (queries: "
                 "Cranfield 225 by position, gains 1->4..4->1, -1->4; CISI 76 judged, .W only)")
    if args.news:
        with tempfile.TemporaryDirectory() as tmp:
            news = news_rows(args.corpus, args.news, Path(tmp))
        print_table(["collection", "engine", f"MRR@{NEWS_DEPTH}", "vs tantivy",
                     "nDCG@10 (copies)", "ms/query"],
                    news, title=f"News: {args.news} AllSides headlines as queries, the "
                    "article and its story copies relevant")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
