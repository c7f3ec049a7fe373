"""Bad input gets a 4xx JSON error naming the parameter (or, for `q`, a sensible 200)."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize(
    "params,field",
    [
        ({"per_page": "0"}, "per_page"),
        ({"per_page": "101"}, "per_page"),
        ({"per_page": "abc"}, "per_page"),
        ({"page": "-1"}, "page"),
        ({"page": "0"}, "page"),
        ({"page": "5000", "per_page": "100"}, "page"),
        ({"date_from": "yesterday"}, "date_from"),
        ({"date_to": "2023-13-40"}, "date_to"),
        ({"date_from": "2023-03-01", "date_to": "2023-02-01"}, "date_to"),
        ({"sort": "bogus"}, "sort"),
        ({"facets": "bogus"}, "facets"),
        ({"facets": "outlet,bogus"}, "facets"),
        ({"facet_size": "0"}, "facet_size"),
        ({"date_interval": "decade"}, "date_interval"),
        ({"q": "x" * 5000}, "q"),
        ({"perpage": "5"}, "perpage"),
        ({"rank": "bm42"}, "rank"),
        ({"rank": ""}, "rank"),
        ({"explain": "perhaps"}, "explain"),
    ],
)
def test_bad_parameter_is_a_422_naming_it(client, params, field):
    response = client.get("/api/v1/search", query_string=params)
    assert response.status_code == 422
    assert response.is_json
    errors = response.json["errors"]["query"]
    assert field in errors, errors
    assert "Traceback" not in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "q",
    ['"unbalanced quote', "(unbalanced paren", "putin)", ")))", '""', "AND", "NOT", "OR OR",
     "title:", ":", "*", "?", "a:b:c", "putin^^^", "[a TO", "{", "~", "\\", "the",
     "wang yi " * 120],
)
def test_odd_query_text_is_answered_not_crashed(client, q):
    response = client.get("/api/v1/search", query_string={"q": q})
    assert response.status_code == 200, response.get_data(as_text=True)
    assert isinstance(response.json["total"], int)


@pytest.mark.parametrize("q", ["published:yesterday", "published:notadate",
                               "published:2023-02-30", "published:[2023-03-01 TO 2023-01-01]",
                               "published:[2023 TO", "putin AND published:20230"])
def test_unreadable_or_reversed_published_is_a_422_naming_q(client, q):
    response = client.get("/api/v1/search", query_string={"q": q})
    assert response.status_code == 422 and response.is_json
    message = response.json["errors"]["query"]["q"][0]
    assert message.startswith("published:"), message


def test_unbalanced_quote_still_searches_its_words(client):
    plain = client.get("/api/v1/search", query_string={"q": "patrushev"}).json
    odd = client.get("/api/v1/search", query_string={"q": '"patrushev'}).json
    assert odd["total"] == plain["total"] > 0


def test_unknown_article_and_route_are_json_404(client):
    for url in ("/api/v1/articles/no-such-id", "/api/v1/nothing-here", "/nothing"):
        response = client.get(url)
        assert response.status_code == 404 and response.is_json
        assert response.json["code"] == 404


def test_wrong_method_is_json_405(client):
    response = client.post("/api/v1/search")
    assert response.status_code == 405 and response.is_json


def test_missing_index_is_a_503_not_a_500(tmp_path):
    from searchapp.api import create_app

    client = create_app(tmp_path / "never-built").test_client()
    for url in ("/api/v1/search", "/api/v1/health", "/api/v1/articles/x"):
        response = client.get(url)
        assert response.status_code == 503 and response.is_json
        assert "searchapp index build" in response.json["message"]


@pytest.mark.parametrize("method, path", [("get", "/api/v1/search?q=putin"),
                                          ("post", "/api/v1/search"), ("get", "/"),
                                          ("get", "/api/v1/health")])
def test_a_body_over_64_kib_is_a_413_json_on_every_route(client, method, path):
    from searchapp.api import MAX_BODY_BYTES

    assert MAX_BODY_BYTES == 64 * 1024
    over = getattr(client, method)(path, data=b"x" * (MAX_BODY_BYTES + 1))
    assert over.status_code == 413 and over.is_json
    assert "64 KiB" in over.get_json()["message"]
    at_limit = getattr(client, method)(path, data=b"x" * MAX_BODY_BYTES)
    assert at_limit.status_code == (405 if method == "post" else 200)  # ignored, not refused
