"""The vectorised path answers what whoosh would on the same articles indexed with its
Positions format: the same matching articles for sloppy phrases, wildcards, prefixes,
ranges and ANDMAYBE, and the same similar articles."""

from __future__ import annotations

import pytest

from searchapp.engine import IndexStore, Searcher
from searchapp.engine.read.budget import Budget
from searchapp.engine.read.snapshots import open_snapshot
from tests.reference import old_format_index, stored_articles


@pytest.fixture(scope="module")
def snapshot(sample_index):
    return open_snapshot(IndexStore(sample_index), {})


@pytest.fixture(scope="module")
def reference(sample_index, tmp_path_factory):
    root = old_format_index(tmp_path_factory.mktemp("whoosh"), stored_articles(sample_index))
    return open_snapshot(IndexStore(root), {})


def _ids(snap, docnums) -> set[str]:
    return {snap.searcher.stored_fields(d)["id"] for d in docnums}


@pytest.mark.parametrize("q", [
    '"putin wang"~5', '"wang putin"~5', '"top diplomat"', '"lavrov said"~3', "diplom*",
    "wang*", "title:chin*", "person:wa*", "te*s", "title:[a TO d]", "putin ANDMAYBE xi",
    "(putin OR xi) AND NOT peskov", "outlet:cnn OR outlet:jazeera",
])
def test_matches_are_whooshs(snapshot, reference, q):
    ours = snapshot.fast.evaluate(snapshot.query_text.parse(q), Budget(None)).mask
    theirs = reference.searcher.docs_for_query(reference.query_text.parse(q))
    assert _ids(snapshot, ours.nonzero()[0].tolist()) == _ids(reference, theirs), q


def test_similar_articles_are_whooshs_more_like(sample_index, reference):
    searcher = Searcher(IndexStore(sample_index))
    whoosh = reference.searcher
    for docnum in range(reference.columns.doc_count):
        stored = whoosh.stored_fields(docnum)
        text = f"{stored['title']}\n{stored['body']}"
        theirs = whoosh.more_like(docnum, "text", text=text, top=4, numterms=20)
        ours = searcher.similar(stored["id"], 4)
        assert [h.id for h in ours] == [whoosh.stored_fields(h.docnum)["id"] for h in theirs]
        assert [h.score for h in ours] == [round(h.score, 4) for h in theirs]
