"""The vectorised path answers what whoosh would: the same matching articles for sloppy
phrases, wildcards, prefixes, ranges and ANDMAYBE, and the same similar articles."""

from __future__ import annotations

import pytest

from searchapp.engine import IndexStore, Searcher
from searchapp.engine.budget import Budget
from searchapp.engine.snapshots import open_snapshot


@pytest.fixture(scope="module")
def snapshot(sample_index):
    return open_snapshot(IndexStore(sample_index), {})


@pytest.mark.parametrize("q", [
    '"putin wang"~5', '"wang putin"~5', '"top diplomat"', '"lavrov said"~3', "diplom*",
    "wang*", "title:chin*", "person:wa*", "te*s", "title:[a TO d]", "putin ANDMAYBE xi",
    "(putin OR xi) AND NOT peskov", "outlet:cnn OR outlet:jazeera",
])
def test_matches_are_whooshs(snapshot, q):
    parsed = snapshot.query_text.parse(q)
    ours = set(snapshot.fast.evaluate(parsed, Budget(None)).mask.nonzero()[0].tolist())
    theirs = set(snapshot.searcher.docs_for_query(parsed))
    assert ours == theirs, q


def test_similar_articles_are_whooshs_more_like(sample_index, snapshot):
    searcher = Searcher(IndexStore(sample_index))
    for docnum in range(snapshot.columns.doc_count):
        stored = snapshot.searcher.stored_fields(docnum)
        text = f"{stored['title']}\n{stored['body']}"
        theirs = snapshot.searcher.more_like(docnum, "text", text=text, top=4, numterms=20)
        ours = searcher.similar(stored["id"], 4)
        assert [h.id for h in ours] == [snapshot.searcher.stored_fields(h.docnum)["id"]
                                        for h in theirs]
        assert [h.score for h in ours] == [round(h.score, 4) for h in theirs]
