"""The rankings beyond BM25 (`rank=best|proximity|feedback`) and `explain`: proximity lifts
the same words close together, feedback re-orders with words of the top results only,
`rank=bm25` is whoosh's own BM25F, and an explanation's parts add up to the score."""

from __future__ import annotations

from collections import Counter

import pytest

from searchapp.article import Article
from searchapp.engine import Indexer, IndexStore, Searcher
from searchapp.engine.collect.ranking import FEEDBACK_DOCS
from searchapp.engine.errors import InvalidParameter
from searchapp.engine.read.query import QueryText
from searchapp.engine.read.scoring import weighting
from searchapp.engine.schema import text_analyzer
from searchapp.engine.types import SearchRequest
from tests.reference import old_format_index, stored_articles

FILLER = " ".join(f"filler{i}" for i in range(30))


def _articles() -> list[Article]:
    strong = [Article(f"strong{i}", f"Glacier melt {i}",
                      f"glacier ice melt glacier melt moraine lake {i} {FILLER}")
              for i in range(FEEDBACK_DOCS)]
    weak = [Article(f"weak{i}", f"Music {i}", f"ice xylophone xylophone xylophone {FILLER}")
            for i in range(12)]
    return [
        # Same words, same lengths; "far" is indexed first, so it wins a BM25 tie.
        Article("far", "Report far", f"wing {FILLER} flutter"),
        Article("near", "Report near", f"wing flutter {FILLER}"),
        *strong, *weak,
        Article("only-moraine", "Moraine", f"moraine moraine moraine {FILLER}"),
    ] + [Article(f"noise{i}", f"Noise {i}", f"noise words {i} {FILLER}") for i in range(20)]


@pytest.fixture(scope="module")
def searcher(tmp_path_factory) -> Searcher:
    store = IndexStore(tmp_path_factory.mktemp("rank-methods"))
    Indexer(store).rebuild(_articles())
    return Searcher(store)


def search(searcher: Searcher, q: str, rank: str = "best", explain: bool = True):
    return searcher.search(SearchRequest(q=q, per_page=100, rank=rank, explain=explain))


def test_a_proximity_match_outranks_the_same_words_far_apart(searcher):
    plain = search(searcher, "wing flutter", rank="bm25").hits
    assert [h.id for h in plain] == ["far", "near"]
    assert plain[0].score == plain[1].score
    for rank in ("proximity", "best"):
        hits = search(searcher, "wing flutter", rank=rank).hits
        assert [h.id for h in hits] == ["near", "far"], rank
        near, far = hits
        assert near.score > far.score == plain[0].score
        assert near.explanation.proximity > 0 and far.explanation.proximity == 0


def test_feedback_adds_words_of_the_top_documents_only(searcher):
    result = search(searcher, "glacier ice melt", rank="feedback")
    top = result.hits[:FEEDBACK_DOCS]
    assert {h.id for h in top} == {f"strong{i}" for i in range(FEEDBACK_DOCS)}
    analyzer = text_analyzer()
    words_of_top = Counter()
    for hit in top:
        article = searcher.article(hit.id)
        words_of_top.update(t.text for t in analyzer(f"{article.title}\n{article.body}"))
    terms = {t.term for h in result.hits for t in h.explanation.feedback_terms}
    assert "morain" in terms
    shown = {t.term: t.word for h in result.hits for t in h.explanation.feedback_terms}
    assert shown["morain"] == "moraine" and shown["glacier"] == "glacier"  # as written
    assert terms <= set(words_of_top)
    assert "xylophon" not in terms  # only in the weaker matches
    # Feedback re-orders the query's matches; it never adds one.
    plain = search(searcher, "glacier ice melt", rank="bm25")
    assert result.total == plain.total and "only-moraine" not in {h.id for h in result.hits}
    assert {h.id for h in result.hits} == {h.id for h in plain.hits}


@pytest.mark.parametrize("q", [
    "glacier melt", '"glacier melt" lake ice', "title:glacier ice melt lake",
    "text:glacier ice melt lake", "glacier AND ice AND melt", "glac* ice melt lake",
])
def test_feedback_runs_only_for_questions_of_plain_words(searcher, q):
    for hit in search(searcher, q).hits:
        assert hit.explanation.feedback == 0 and hit.explanation.feedback_terms == [], q


@pytest.mark.parametrize("q", ["glacier ice melt", "wing flutter", '"glacier melt" moraine',
                               "title:glacier lake", "ice NOT xylophone", "glac* lake",
                               "noise words 3"])
def test_explain_parts_add_up_to_the_score(searcher, q):
    hits = search(searcher, q).hits
    assert hits, q
    for hit in hits:
        parts = hit.explanation
        total = sum(parts.bm25.values()) + parts.proximity + parts.feedback
        assert total == pytest.approx(hit.score, abs=1e-3), (q, hit.id)
        assert sum(t.score for t in parts.feedback_terms) == pytest.approx(
            parts.feedback, abs=1e-3)
        assert set(parts.bm25) == {"text", "title"}


def test_every_ranking_matches_the_same_articles(searcher):
    for q in ("glacier ice melt", "wing flutter", "ice"):
        found = {rank: {h.id for h in search(searcher, q, rank, explain=False).hits}
                 for rank in ("bm25", "proximity", "feedback", "best")}
        assert len({frozenset(ids) for ids in found.values()}) == 1, q


def test_explain_is_off_unless_asked(searcher):
    assert all(h.explanation is None for h in search(searcher, "wing", explain=False).hits)
    dated = searcher.search(SearchRequest(q="wing", sort="newest", explain=True))
    assert all(h.explanation is None for h in dated.hits)


@pytest.fixture(scope="module")
def whoosh_reference(sample_index, tmp_path_factory):
    root = old_format_index(tmp_path_factory.mktemp("whoosh-bm25"), stored_articles(sample_index))
    return IndexStore(root).open_current()


@pytest.mark.parametrize("q", ["russia china talks", "foreign minister lavrov visit beijing",
                               "putin xi", "war ukraine peace minister", "strategic partnership"])
def test_rank_bm25_is_whooshs_own_bm25f(sample_index, whoosh_reference, q):
    ours = Searcher(IndexStore(sample_index)).search(
        SearchRequest(q=q, per_page=100, facets=(), rank="bm25"))
    parser = QueryText(whoosh_reference.schema)
    with whoosh_reference.searcher(weighting=weighting()) as reference:
        theirs = reference.search(parser.parse(q), limit=None)
        expected = {hit["id"]: hit.score for hit in theirs}
    assert {h.id: h.score for h in ours.hits} == pytest.approx(expected, abs=1e-4), q
    scores = [h.score for h in ours.hits]
    assert scores == sorted(scores, reverse=True)


def test_the_api_explains_and_switches_ranking(client):
    body = client.get("/api/v1/search", query_string={
        "q": "russia china foreign minister", "explain": "true"}).json
    assert body["results"]
    for hit in body["results"]:
        parts = hit["explanation"]
        total = sum(parts["bm25"].values()) + parts["proximity"] + parts["feedback"]
        assert total == pytest.approx(hit["score"], abs=1e-3)
    plain = client.get("/api/v1/search", query_string={
        "q": "russia china foreign minister", "rank": "bm25"}).json
    assert all(hit["explanation"] is None for hit in plain["results"])
    assert plain["total"] == body["total"]
    export = client.get("/api/v1/export", query_string={"q": "russia china", "rank": "bm25",
                                                          "format": "jsonl"})
    assert export.status_code == 200
    bad = client.get("/api/v1/export", query_string={"rank": "nope"})
    assert bad.status_code == 422 and "rank" in bad.json["errors"]["query"]


def test_an_unknown_ranking_is_refused_by_the_engine_too(searcher):
    with pytest.raises(InvalidParameter) as refused:
        search(searcher, "wing flutter", rank="bm42")
    assert refused.value.parameter == "rank"
