"""The two speed-ups of index writing change nothing in the index: the English analyzer
yields whoosh's StemmingAnalyzer tokens, and postings spilled to disk read back exactly."""

from __future__ import annotations

import pytest
from whoosh.analysis import StemmingAnalyzer

from searchapp.engine import Indexer, IndexStore
from searchapp.engine.english import EnglishAnalyzer
from searchapp.ingest import SAMPLE_DIR, IngestReport, read_sources

EDGE_CASES = ["", "of the and", "The U.S. e.g. 3.14 don't İstanbul ___ x y", "Putin's  war\n\nA"]
CALLS = [
    {"positions": True, "mode": "index"},          # indexing
    {"positions": True, "start_pos": 7},
    {"mode": "query"},                             # query parsing
    {"chars": True, "mode": "query", "removestops": False},  # whoosh's highlighter
    {"positions": True, "chars": True, "start_char": 3, "keeporiginal": True},
    {"positions": True, "removestops": False},     # stop words kept and marked
    {"no_morph": True},                            # spelling words: whoosh's own chain
]


def _tokens(analyzer, text: str, call: dict) -> list[tuple]:
    return [(t.text, getattr(t, "pos", None), getattr(t, "startchar", None),
             getattr(t, "endchar", None), getattr(t, "original", None), t.stopped, t.boost)
            for t in analyzer(text, **call)]


@pytest.mark.parametrize("call", CALLS)
def test_english_analyzer_yields_the_stemming_analyzers_tokens(call):
    texts = [f"{a.title}\n{a.body}" for a in read_sources([SAMPLE_DIR], IngestReport())]
    ours, whoosh_own = EnglishAnalyzer(), StemmingAnalyzer()
    for text in texts + EDGE_CASES:
        assert _tokens(ours, text, call) == _tokens(whoosh_own, text, call)


def _postings(index_root) -> dict:
    """Every (field, term) -> {article id: posting value}, independent of document numbers."""
    with IndexStore(index_root).open_current().reader() as reader:
        ids = {n: fields["id"] for n, fields in reader.iter_docs()}
        found = {}
        for field, term in reader.all_terms():
            matcher = reader.postings(field, term)
            found[field, term] = {ids[d]: v for d, v in matcher.items_as("weight")}
            if reader.schema[field].format.supports("positions"):
                matcher = reader.postings(field, term)
                found[field, term, "positions"] = {
                    ids[d]: v for d, v in matcher.items_as("positions")}
        return found


def test_postings_spilled_to_disk_read_back_exactly(tmp_path):
    # 10 KB of writer memory holds about 60 postings: the sample's thousands are sorted in
    # many runs on disk and merged back.
    articles = list(read_sources([SAMPLE_DIR], IngestReport()))
    spilled, in_memory = tmp_path / "spilled", tmp_path / "in-memory"
    Indexer(IndexStore(spilled), memory_mb=0.01).rebuild(articles)
    Indexer(IndexStore(in_memory)).rebuild(articles)
    postings = _postings(spilled)
    assert len(postings) > 1000
    assert postings == _postings(in_memory)
