"""One order for every way a request's matches are listed: any page of /search is the same
slice of the order the export and collapse=story use, whether the vectorised path or whoosh
scored the query, and a query whose matches all score zero is listed by date everywhere."""

from __future__ import annotations

import numpy as np
import pytest
from whoosh import query as wq

from searchapp.engine import IndexStore
from searchapp.engine.collect import ordering
from searchapp.engine.collect.matching import matching
from searchapp.engine.read.budget import Budget
from searchapp.engine.read.snapshots import open_snapshot
from searchapp.engine.types import SORTS


@pytest.fixture(scope="module")
def snap(sample_index):
    return open_snapshot(IndexStore(sample_index), {})


def _queries(snap):
    words = [wq.Term("text", w) for w in ("putin", "wang", "lavrov")]
    return {
        "vectorised": snap.query_text.parse("putin wang lavrov"),
        # an OR with minmatch is a query only whoosh's matcher scores
        "whoosh": wq.Or(words, minmatch=1),
        "whoosh, all scores zero": wq.Or(words, minmatch=1, boost=0.0),
        "filter only": wq.Every(),
    }


@pytest.mark.parametrize("sort", SORTS)
def test_every_page_is_a_slice_of_the_one_order(snap, sort):
    budget = Budget(None)
    for name, q in _queries(snap).items():
        matched, scores, _ = matching(snap, q, budget)
        assert matched.sum() >= 3, name
        whole, ranked_by = ordering.ordered(snap, q, matched, scores, sort, budget)
        assert sorted(whole.tolist()) == np.flatnonzero(matched).tolist()
        for size in (1, 2, 3):
            for start in range(0, len(whole) + 1):
                page = ordering.page(snap, q, matched, scores, sort, start, start + size,
                                     budget)
                assert [d for d, _ in page] == whole[start:start + size].tolist(), (name, start)
                expected = [None if ranked_by is None else pytest.approx(ranked_by[d])
                            for d in whole[start:start + size].tolist()]
                assert [s for _, s in page] == expected


def test_scores_order_only_a_relevance_request_with_something_scoring(snap):
    budget = Budget(None)
    queries = _queries(snap)
    for name, q in queries.items():
        matched, scores, _ = matching(snap, q, budget)
        whole, ranked_by = ordering.ordered(snap, q, matched, scores, "relevance", budget)
        by_date = ordering.by_date(snap, np.flatnonzero(matched), "newest")
        if name in ("vectorised", "whoosh"):
            assert ranked_by is not None, name
            assert np.all(np.diff(ranked_by[whole]) <= 0), name
        else:  # nothing to rank by: newest first, as an empty query is
            assert ranked_by is None and whole.tolist() == by_date.tolist(), name
