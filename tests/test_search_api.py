"""GET /api/v1/search on the bundled sample, through real HTTP requests to the app."""

from __future__ import annotations

import re

import pytest

from searchapp.ingest import SAMPLE_DIR

SAMPLE_TEXTS = {p.stem: p.read_text(encoding="utf-8").casefold() for p in SAMPLE_DIR.glob("*.txt")}


def ids(response) -> set[str]:
    return {hit["id"] for hit in response.json["results"]}


def articles_containing(pattern: str) -> set[str]:
    return {i for i, text in SAMPLE_TEXTS.items() if re.search(pattern, text)}


def test_empty_query_returns_every_article_with_facets(client):
    response = client.get("/api/v1/search")
    assert response.status_code == 200
    body = response.json
    assert body["total"] == 5
    assert ids(response) == set(SAMPLE_TEXTS)
    outlets = body["facets"]["outlet"]
    assert len(outlets) == 5 and all(b["count"] == 1 for b in outlets)
    assert {b["value"] for b in outlets} == {
        "CNSNews.com", "CNN", "New York Post", "Al Jazeera", "Daily Mail"
    }
    assert [(b["value"], b["count"]) for b in body["facets"]["date"]] == [("2023-02-22", 5)]
    assert set(body) >= {"total", "page", "per_page", "took_ms", "results", "facets", "suggestion"}


@pytest.mark.parametrize("surname", ["Patrushev", "Peskov", "Zakharova", "Blinken", "Nebenzya"])
def test_surname_finds_exactly_the_articles_that_mention_it(client, surname):
    response = client.get("/api/v1/search", query_string={"q": surname})
    assert ids(response) == articles_containing(surname.casefold())
    assert response.json["total"] == len(articles_containing(surname.casefold()))


@pytest.mark.parametrize("phrase", ["strategic partnership", "peace plan"])
def test_quoted_phrase_matches_only_the_exact_phrase(client, phrase):
    first, last = phrase.split()
    loose = articles_containing(rf"\b{first}\b") & articles_containing(rf"\b{last}")
    exact = articles_containing(rf"\b{phrase}")
    assert exact < loose, "the phrase must be rarer than its words for this test to mean much"
    response = client.get("/api/v1/search", query_string={"q": f'"{phrase}"'})
    assert ids(response) == exact


def test_outlet_filter_keeps_every_outlet_in_its_facet(client):
    response = client.get("/api/v1/search", query_string={"outlet": "CNN"})
    body = response.json
    assert body["total"] == 1
    assert [hit["outlet"] for hit in body["results"]] == ["CNN"]
    outlets = {b["value"]: b for b in body["facets"]["outlet"]}
    assert len(outlets) == 5
    assert outlets["CNN"]["selected"] is True
    assert sum(b["selected"] for b in outlets.values()) == 1
    # The other facets are narrowed by the outlet filter.
    assert [b["count"] for b in body["facets"]["date"]] == [1]


def test_repeated_outlet_filter_is_or_and_person_filter_is_and_across(client):
    both = client.get("/api/v1/search", query_string=[("outlet", "CNN"), ("outlet", "Daily Mail")])
    assert {h["outlet"] for h in both.json["results"]} == {"CNN", "Daily Mail"}
    person = both.json["facets"]["person"][0]["value"]
    narrowed = client.get(
        "/api/v1/search",
        query_string=[("outlet", "CNN"), ("outlet", "Daily Mail"), ("person", person)],
    )
    assert narrowed.json["total"] <= both.json["total"]
    assert all(person in h["people"] for h in narrowed.json["results"])


def test_pages_hold_different_articles(client):
    first = client.get("/api/v1/search", query_string={"q": "putin", "per_page": 2, "page": 1})
    second = client.get("/api/v1/search", query_string={"q": "putin", "per_page": 2, "page": 2})
    assert first.json["total"] == second.json["total"] == 5
    assert len(ids(first)) == len(ids(second)) == 2
    assert not ids(first) & ids(second)


@pytest.mark.parametrize("q", ["putin", "lavrov", '"top diplomat"', "wang AND xi", "kremlin"])
def test_every_result_has_a_marked_snippet(client, q):
    response = client.get("/api/v1/search", query_string={"q": q})
    assert response.json["results"]
    for hit in response.json["results"]:
        assert "<mark>" in hit["snippet"], hit


def test_snippet_is_html_escaped(client):
    response = client.get("/api/v1/search", query_string={"q": "Telegram"})
    for hit in response.json["results"]:
        without_marks = hit["snippet"].replace("<mark>", "").replace("</mark>", "")
        assert "<" not in without_marks


def test_sort_by_date_and_relevance_scores(client):
    relevance = client.get("/api/v1/search", query_string={"q": "patrushev"}).json["results"]
    scores = [hit["score"] for hit in relevance]
    assert scores == sorted(scores, reverse=True) and scores[0] > 0
    newest = client.get("/api/v1/search", query_string={"q": "patrushev", "sort": "newest"})
    assert ids(newest) == {h["id"] for h in relevance}
    assert all(hit["score"] is None for hit in newest.json["results"])


def test_boolean_operators_and_field_prefixes(client):
    putin = ids(client.get("/api/v1/search", query_string={"q": "putin"}))
    not_peskov = ids(client.get("/api/v1/search", query_string={"q": "putin NOT peskov"}))
    assert not_peskov == putin - articles_containing("peskov")
    only_not = ids(client.get("/api/v1/search", query_string={"q": "NOT peskov"}))
    assert only_not == set(SAMPLE_TEXTS) - articles_containing("peskov")
    both = ids(client.get("/api/v1/search", query_string={"q": "patrushev AND peskov"}))
    assert both == articles_containing("patrushev") & articles_containing("peskov")
    either = ids(client.get("/api/v1/search", query_string={"q": "nebenzya OR podolyak"}))
    assert either == articles_containing("nebenzya") | articles_containing("podolyak")
    cnn = ids(client.get("/api/v1/search", query_string={"q": "outlet:cnn"}))
    assert cnn == {"001_e714217c4ce465dd"}
    titled = client.get("/api/v1/search", query_string={"q": "title:strengthen"}).json
    assert titled["total"] >= 1
    assert all("strengthen" in h["title"].casefold() for h in titled["results"])
    person = client.get("/api/v1/search", query_string={"q": "person:peskov"}).json
    assert person["results"]
    assert all(any("Peskov" in p for p in h["people"]) for h in person["results"])


def test_date_filters_are_inclusive(client):
    on_day = client.get("/api/v1/search", query_string={"date_from": "2023-02-22",
                                                         "date_to": "2023-02-22"})
    assert on_day.json["total"] == 5
    after = client.get("/api/v1/search", query_string={"date_from": "2023-02-23"})
    assert after.json["total"] == 0
    # The date facet ignores the date filter itself (disjunctive), so the page can widen it.
    assert after.json["facets"]["date"][0]["count"] == 5


def test_facets_parameter_selects_facets_and_size(client):
    body = client.get("/api/v1/search", query_string={"facets": "outlet", "facet_size": 2}).json
    assert list(body["facets"]) == ["outlet"]
    assert len(body["facets"]["outlet"]) == 2


@pytest.mark.parametrize("interval,label", [("day", "2023-02-22"), ("week", "2023-W08"),
                                            ("month", "2023-02"), ("year", "2023")])
def test_date_interval_buckets(client, interval, label):
    body = client.get("/api/v1/search", query_string={"date_interval": interval}).json
    [bucket] = body["facets"]["date"]
    assert bucket["value"] == label and bucket["count"] == 5
    assert bucket["start"] <= "2023-02-22" <= bucket["end"]


def test_article_by_id_returns_full_text(client):
    hit = client.get("/api/v1/search", query_string={"q": "nebenzya"}).json["results"][0]
    article = client.get(f"/api/v1/articles/{hit['id']}").json
    assert article["title"] == hit["title"]
    assert "Nebenzya" in article["body"]
    assert article["outlet"] == "Al Jazeera" and article["published"] == "2023-02-22"


def test_titles_come_from_the_text_without_boilerplate(client):
    cnn = client.get("/api/v1/articles/001_e714217c4ce465dd").json
    assert cnn["title"].startswith("Putin and China")
    mail = client.get("/api/v1/articles/004_07ccc284bb38da91").json
    assert mail["title"].startswith("China will")
    assert not mail["body"].startswith(mail["title"]), "a headline printed twice is dropped"


def test_health_and_openapi(client):
    health = client.get("/api/v1/health").json
    assert health["status"] == "ok" and health["documents"] == 5
    spec = client.get("/api/v1/openapi.json").json
    paths = {"/api/v1/search", "/api/v1/articles/{article_id}", "/api/v1/health"}
    assert paths <= set(spec["paths"])
    params = {p["name"] for p in spec["paths"]["/api/v1/search"]["get"]["parameters"]}
    assert {"q", "outlet", "person", "date_from", "date_to", "sort", "page", "per_page",
            "facets", "facet_size", "date_interval"} <= params
    docs = client.get("/api/v1/docs")
    assert docs.status_code == 200 and b"swagger-ui" in docs.data
    asset = re.search(rb'src="(/api/v1/docs/assets/[^"]+\.js)"', docs.data).group(1).decode()
    assert client.get(asset).status_code == 200, "docs assets are served locally, no CDN"
