"""How free-text queries rank: OR with BM25, repeated words, questions, title weight."""

from __future__ import annotations

import pytest

from searchapp.article import Article
from searchapp.engine import Indexer, IndexStore, Searcher
from searchapp.engine.types import SearchRequest

FILLER = " ".join(f"filler{i}" for i in range(30))


@pytest.fixture(scope="module")
def searcher(tmp_path_factory) -> Searcher:
    store = IndexStore(tmp_path_factory.mktemp("ranking"))
    Indexer(store).rebuild([
        Article("alpha", "Report one", f"alpha alpha {FILLER}"),
        Article("beta", "Report two", f"beta beta {FILLER}"),
        Article("both", "Report three", f"alpha beta {FILLER}"),
        Article("quasar", "Report four", f"What is known about the quasar? {FILLER}"),
        Article("headline", "Glacier retreat measured", f"ice {FILLER}"),
        Article("mention", "Report five", f"glacier retreat measured {FILLER}"),
    ] + [Article(f"noise{i}", f"Noise {i}", f"noise words {i} {FILLER}") for i in range(20)])
    return Searcher(store)


def ranked(searcher: Searcher, q: str) -> list[str]:
    return [h.id for h in searcher.search(SearchRequest(q=q, per_page=50)).hits]


def test_multi_word_query_needs_no_word_to_match_all(searcher):
    order = ranked(searcher, "alpha beta")
    assert order[0] == "both"
    assert set(order) == {"alpha", "beta", "both"}


def test_a_repeated_word_weighs_more(searcher):
    # "alpha" and "beta" documents mirror each other: only the repetition decides.
    first = ranked(searcher, "alpha alpha beta")
    assert first.index("alpha") < first.index("beta")
    second = ranked(searcher, "alpha beta beta")
    assert second.index("beta") < second.index("alpha")


def test_question_mark_is_not_a_wildcard(searcher):
    assert ranked(searcher, "what is a quasar?")[0] == "quasar"


def test_headline_match_ranks_above_the_same_words_in_the_body(searcher):
    assert ranked(searcher, "glacier retreat")[:2] == ["headline", "mention"]


def test_prefix_wildcard_still_works(searcher):
    assert set(ranked(searcher, "quas*")) == {"quasar"}


def test_pages_of_tied_scores_never_repeat_or_skip(searcher):
    whole = ranked(searcher, "noise")
    assert len(whole) == 20
    paged = [h.id for page in range(1, 21)
             for h in searcher.search(SearchRequest(q="noise", per_page=1, page=page)).hits]
    assert paged == whole
