"""Exact phrases are matched and scored by our vectorised path exactly as whoosh's own
phrase search would on the same articles indexed with whoosh's Positions format (our index
keeps positions in its segment arrays, not in whoosh), on the sample articles and on
hand-made cases (order, stop words, repeats, a headline-only phrase); after replaced and
deleted articles, exactly as whoosh would on a rebuild of the same articles (whoosh counts
deleted documents in its statistics until their segment is merged; we count live ones).
"""

from __future__ import annotations

import pytest

from searchapp.article import Article
from searchapp.engine import Indexer, IndexStore, Searcher
from searchapp.engine.read.query import QueryText
from searchapp.engine.read.scoring import weighting
from searchapp.engine.types import SearchRequest
from searchapp.pipeline import build_index
from tests.reference import old_format_index, stored_articles

SAMPLE_QUERIES = [
    '"Sergey Lavrov"', '"foreign minister"', '"Russian Foreign Minister"', '"Wang Yi"',
    'person:"Wang Yi"', '"Wang Yi" NOT "Wang Wenbin"', '"foreign minister" OR putin',
    '"strategic partnership" moscow', '"Xi Jinping" "Vladimir Putin"', '"war in Ukraine"',
    '"ukraine war"', '"minister foreign"', '"no such phrase here"',
]
MADE_QUERIES = [
    '"donald trump"', '"trump donald"', '"new new york"', '"donald trump" NOT rally',
    '"bank of america"', 'title:"budget deal"', '"budget deal"',
]


def _made_articles() -> list[Article]:
    return [
        Article("order", "Rally", "Trump Donald said. Donald Trump said. Donald, Trump."),
        Article("repeat", "Cities", "New new York is not New York; new new york again."),
        Article("stop", "Banks", "The bank of America and Bank America; bank in America."),
        Article("title", "Budget deal reached", "Lawmakers agreed on spending."),
        Article("body", "Spending", "A budget deal was reached, said Donald Trump at a rally."),
        Article("old", "Replaced", "Donald Trump in the first version."),
    ] + [Article(f"noise{i}", f"Noise {i}", f"donald {i + 10} trump words") for i in range(12)]


def _agree(root, queries: list[str], reference_root) -> None:
    searcher = Searcher(IndexStore(root))
    ix = IndexStore(reference_root).open_current()
    parser = QueryText(ix.schema)
    with ix.searcher(weighting=weighting()) as reference:
        for text in queries:
            ours = searcher.search(SearchRequest(q=text, per_page=100, facets=[]))
            theirs = reference.search(parser.parse(text), limit=None)
            expected = {hit["id"]: hit.score for hit in theirs}
            # scores in responses are rounded to 4 decimals
            assert {h.id: h.score for h in ours.hits} == pytest.approx(expected, abs=1e-4), text
            assert ours.total == len(expected), text


def test_phrases_on_the_sample_match_whoosh(tmp_path):
    build_index(IndexStore(tmp_path / "ours"))
    reference = old_format_index(tmp_path / "whoosh", stored_articles(tmp_path / "ours"))
    _agree(tmp_path / "ours", SAMPLE_QUERIES, reference)


def test_phrases_on_made_cases_match_whoosh(tmp_path):
    store = IndexStore(tmp_path)
    indexer = Indexer(store)
    indexer.rebuild(_made_articles())
    indexer.upsert([Article("old", "Replaced", "Nobody named here.")])
    indexer.delete(["noise3"])
    final = [a for a in _made_articles() if a.id not in ("old", "noise3")]
    rebuilt = old_format_index(tmp_path / "rebuilt",
                               final + [Article("old", "Replaced", "Nobody named here.")])
    _agree(tmp_path, MADE_QUERIES, rebuilt)
    searcher = Searcher(store)
    found = {h.id for h in searcher.search(SearchRequest(q='"donald trump"', per_page=50)).hits}
    assert "old" not in found and "noise3" not in found and "order" in found
    assert "noise1" not in found, "the words are apart"
