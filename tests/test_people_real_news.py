"""People on scraped news: page debris, bylines, credits, bios, span and non-person errors.

Two fixtures: `people_allsides_excerpts.jsonl`, a few paragraphs quoted from real AllSides
articles for each kind of error (see its `.md`), and `people_news.jsonl`, small articles
written for the test in the same shapes, with cases the real excerpts lack. Each line has the
people a careful reader lists and the names that must not appear. They go through the
indexing path (`normalise_article`, the model, `settle_people`) and a real index and the API.
"""

from __future__ import annotations

import json

import pytest

from searchapp.api import create_app
from searchapp.article import Article
from searchapp.engine import IndexStore
from searchapp.enrich import enrich_article, normalise_article
from searchapp.enrich.page_debris import BYLINE, CREDIT, HOVER_CARD, strip_debris
from searchapp.pipeline import build_index
from tests.conftest import FIXTURES, write_jsonl

CASES = [json.loads(line) for name in ("people_allsides_excerpts.jsonl", "people_news.jsonl")
         for line in (FIXTURES / name).read_text().splitlines()]


def _article(case: dict) -> Article:
    return Article(id=case["id"], title=case["title"], body=case["body"],
                   outlet=case.get("outlet", ""), authors=case.get("authors", []))


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_people_a_careful_reader_lists(case):
    people = enrich_article(_article(case)).people
    assert set(case["people"]) <= set(people), case["kind"]
    assert not set(case["not_people"]) & set(people), case["kind"]


@pytest.mark.parametrize("case", [c for c in CASES if "in_body" in c or "not_in_body" in c],
                         ids=lambda c: c["id"])
def test_debris_leaves_the_body_and_the_story_stays(case):
    body = normalise_article(_article(case)).body
    for kept in case.get("in_body", []):
        assert kept in body, case["kind"]
    for gone in case.get("not_in_body", []):
        assert gone not in body, case["kind"]


def test_what_is_removed_is_reported_by_kind():
    text = ("Mark Wilson/Getty Images Senators return to Washington.\n\n"
            "By Jane Roe and John Poe, USA TODAY\n\n"
            "Sen. Tom Cotton Thomas (Tom) Bryant CottonCotton pushes a new bill MORE (R-Ark.) "
            "spoke.")
    body, removed = strip_debris(text)
    kinds = [r.kind for r in removed]
    assert kinds.count(CREDIT) == 1 and kinds.count(BYLINE) == 1 and kinds.count(HOVER_CARD) == 1
    assert body == "Senators return to Washington.\n\nSen. Tom Cotton (R-Ark.) spoke."


def test_story_sentences_that_look_like_debris_stay_whole():
    story = ("By Monday, the Senate will vote.\n\n"
             "A Wall Street Journal/NBC News poll found support rising.\n\n"
             "John Smith is a professor at Yale who studies elections, and he says turnout "
             "will be high.\n\n"
             "More than half of voters agreed.")
    body, removed = strip_debris(story, authors=["Ann Lee"])
    assert body == story and removed == []


def test_the_api_shows_no_debris_people_and_no_debris_text(tmp_path):
    source = write_jsonl(tmp_path / "news.jsonl", [
        {"id": c["id"], "title": c["title"], "body": c["body"], "outlet": c.get("outlet", ""),
         "authors": c.get("authors", [])} for c in CASES])
    store = IndexStore(tmp_path / "index")
    build_index(store, [source], workers=1)
    client = create_app(store.root).test_client()
    for case in CASES:
        people = client.get(f"/api/v1/articles/{case['id']}").json["people"]
        # the API shows the corpus's canonical names: a lone "Trump" is "Donald Trump" there
        assert all(any(p == n or p.endswith(f" {n}") for p in people) for n in case["people"])
        assert not set(case["not_people"]) & set(people)
    facet = client.get("/api/v1/search", query_string={
        "facets": "person", "facet_size": 100}).json["facets"]["person"]
    names = {bucket["value"] for bucket in facet}
    assert not names & {"Harriet Olsen", "Dana Whitfield", "Grant Ellery", "Hill", "Mandel Ngan",
                        "Chip Somodevilla", "Maureen Dowd", "Cara Kelly", "MeToo"}
    # page furniture is not searchable either
    for words in ("Story Continued Below", "toggle caption", "contributed to this report"):
        hits = client.get("/api/v1/search", query_string={"q": f'"{words}"'}).json
        assert hits["total"] == 0, words
