"""Facet values for autocomplete, similar articles and spelling suggestions."""

from __future__ import annotations

import pytest


def test_facet_values_match_any_word_case_and_accent_insensitive(client):
    every = client.get("/api/v1/facets/person", query_string={"size": 100}).json["values"]
    by_surname = client.get("/api/v1/facets/person", query_string={"prefix": "LAV"}).json
    assert by_surname["field"] == "person"
    values = [v["value"] for v in by_surname["values"]]
    assert values and all(any(w.casefold().startswith("lav") for w in v.split()) for v in values)
    accented = client.get("/api/v1/facets/person", query_string={"prefix": "lávr"}).json
    assert [v["value"] for v in accented["values"]] == values
    counts = {v["value"]: v["count"] for v in every}
    assert all(counts[v["value"]] == v["count"] for v in by_surname["values"])


def test_facet_values_for_outlets_with_size(client):
    body = client.get("/api/v1/facets/outlet", query_string={"prefix": "n", "size": 1}).json
    assert [v["value"] for v in body["values"]] == ["New York Post"]
    body = client.get("/api/v1/facets/outlet", query_string={"prefix": "POST"}).json
    assert [v["value"] for v in body["values"]] == ["New York Post"]
    body = client.get("/api/v1/facets/outlet", query_string={"prefix": "zzz"}).json
    assert body["values"] == []


@pytest.mark.parametrize("url,status,field", [
    ("/api/v1/facets/date", 404, None),
    ("/api/v1/facets/bogus", 404, None),
    ("/api/v1/facets/person?size=0", 422, "size"),
    ("/api/v1/facets/person?size=abc", 422, "size"),
    ("/api/v1/facets/person?prefix=" + "x" * 101, 422, "prefix"),
    ("/api/v1/facets/person?colour=red", 422, "colour"),
    ("/api/v1/articles/001_e714217c4ce465dd/similar?limit=0", 422, "limit"),
    ("/api/v1/articles/001_e714217c4ce465dd/similar?limit=x", 422, "limit"),
    ("/api/v1/articles/no-such-article/similar", 404, None),
])
def test_discovery_bad_input(client, url, status, field):
    response = client.get(url)
    assert response.status_code == status and response.is_json
    if field:
        assert field in response.json["errors"]["query"]


def test_similar_articles_exclude_the_article_itself(client):
    body = client.get("/api/v1/articles/001_e714217c4ce465dd/similar",
                      query_string={"limit": 3}).json
    ids = [hit["id"] for hit in body["results"]]
    assert len(ids) == 3 and "001_e714217c4ce465dd" not in ids
    scores = [hit["score"] for hit in body["results"]]
    assert scores == sorted(scores, reverse=True)
    assert all(hit["title"] and hit["snippet"] for hit in body["results"])


def test_misspelled_query_gets_a_suggestion(client):
    body = client.get("/api/v1/search", query_string={"q": "Lavrof"}).json
    assert body["total"] == 0
    assert body["suggestion"] == "Lavrov"
    fixed = client.get("/api/v1/search", query_string={"q": body["suggestion"]}).json
    assert fixed["total"] > 0 and fixed["suggestion"] is None


def test_correct_query_has_no_suggestion(client):
    assert client.get("/api/v1/search", query_string={"q": "diplomat"}).json["suggestion"] is None


def test_selected_values_are_returned_even_outside_top_n_or_at_zero(client):
    every = client.get("/api/v1/search", query_string={"facet_size": 100}).json
    rare = every["facets"]["person"][-1]["value"]
    body = client.get("/api/v1/search", query_string=[
        ("facet_size", "1"), ("person", rare), ("person", "Nobody Atall")]).json
    people = {b["value"]: b for b in body["facets"]["person"]}
    assert people[rare]["selected"] and people[rare]["count"] >= 1
    assert people["Nobody Atall"] == {"value": "Nobody Atall", "count": 0, "selected": True}
    assert sum(not b["selected"] for b in body["facets"]["person"]) == 1
