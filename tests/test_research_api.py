"""GET /api/v1/timeline and GET /api/v1/export through real HTTP on a real index."""

from __future__ import annotations

import csv
import io
import json

import pytest

from searchapp.api import create_app
from searchapp.engine import IndexStore
from searchapp.pipeline import build_index
from tests.conftest import write_jsonl

ARTICLES = [
    {"id": f"a{i:02d}", "title": f"Budget vote {i}", "outlet": "Daily" if i % 2 else "Post",
     "published": day, "body": f"The budget vote was held. {'Flooding hit the coast.' * (i % 3)}",
     "people": ["Ann Pruitt"] if i % 4 == 0 else []}
    for i, day in enumerate(["2020-01-05", "2020-01-20", "2020-03-02", "2020-03-30",
                             "2020-04-11", "2020-06-01", "2020-06-15", ""] * 3)
] + [{"id": "hostile", "title": '=HYPERLINK("http://evil.example","click")',
      "outlet": "Post", "published": "2020-01-07", "body": "Flooding, budget, vote.",
      "url": "javascript:alert(1)"}]


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("research")
    store = IndexStore(tmp / "index")
    build_index(store, [write_jsonl(tmp / "a.jsonl", ARTICLES)], workers=1, people=False)
    return create_app(store.root).test_client()


def timeline(client, **args):
    response = client.get("/api/v1/timeline", query_string=args)
    assert response.status_code == 200, response.json
    return response.json


def search_total(client, **args) -> int:
    return client.get("/api/v1/search", query_string={**args, "facets": ""}).json["total"]


def test_timeline_counts_add_up_to_the_search_total_and_periods_are_continuous(client):
    result = timeline(client, q=["flooding", "budget"], date_interval="month")
    assert result["date_interval"] == "month"
    for series in result["series"]:
        values = [b["value"] for b in series["buckets"]]
        assert values == ["2020-01", "2020-02", "2020-03", "2020-04", "2020-05", "2020-06"]
        counted = sum(b["count"] for b in series["buckets"]) + series["undated"]
        assert counted == series["total"] == search_total(client, q=series["q"])
        for bucket in series["buckets"]:
            assert bucket["total"] == search_total(
                client, date_from=bucket["start"], date_to=bucket["end"])
            assert bucket["ratio"] == (round(bucket["count"] / bucket["total"], 6)
                                       if bucket["total"] else 0)
    february = result["series"][0]["buckets"][1]
    assert february == {"value": "2020-02", "start": "2020-02-01", "end": "2020-02-29",
                        "count": 0, "total": 0, "ratio": 0}


def test_timeline_totals_keep_the_filters_but_not_the_query(client):
    result = timeline(client, q="flooding", outlet="Daily", date_interval="month")
    series = result["series"][0]
    assert series["total"] == search_total(client, q="flooding", outlet="Daily")
    january = series["buckets"][0]
    assert january["total"] == search_total(client, outlet="Daily", date_from="2020-01-01",
                                            date_to="2020-01-31")


def test_timeline_without_a_query_is_everything_and_picks_an_interval(client):
    result = timeline(client)
    assert result["date_interval"] in ("day", "week", "month", "year")
    series = result["series"][0]
    assert series["q"] == "" and series["total"] == len(ARTICLES)
    assert all(b["ratio"] in (0, 1) for b in series["buckets"])


@pytest.mark.parametrize("args, field", [
    ({"q": ["a", "b", "c", "d", "e", "f"]}, "q"),
    ({"date_interval": "decade"}, "date_interval"),
    ({"date_interval": "day", "date_from": "1000-01-01"}, "date_interval"),
    ({"date_from": "2020-05-01", "date_to": "2020-01-01"}, "date_to"),
    ({"q": "published:2023-13"}, "q"),
    ({"sort": "newest"}, "sort"),
])
def test_bad_timeline_requests_name_the_parameter(client, args, field):
    response = client.get("/api/v1/timeline", query_string=args)
    assert response.status_code == 422 and response.is_json
    assert field in response.json["errors"]["query"], response.json


def export(client, **args):
    response = client.get("/api/v1/export", query_string=args)
    assert response.status_code == 200, response.json
    return response


def test_csv_export_has_every_match_in_the_search_order(client):
    response = export(client, q="budget", format="csv")
    assert response.headers["Content-Type"].startswith("text/csv")
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.data.decode("utf-8"))))
    order = [hit["id"] for page in (1, 2, 3) for hit in client.get(
        "/api/v1/search", query_string={"q": "budget", "per_page": 10, "page": page,
                                        "facets": ""}).json["results"]]
    assert [r["id"] for r in rows] == order and len(rows) == int(response.headers["X-Total-Count"])
    assert list(rows[0]) == ["id", "title", "outlet", "published", "url", "authors", "people",
                             "story"]
    assert all(row["story"] for row in rows)  # every article has a story, its own at least


def test_exports_follow_the_date_sort_and_filters(client):
    rows = [json.loads(line) for line in export(
        client, format="jsonl", sort="newest", outlet="Daily").data.decode().splitlines()]
    newest = [h["id"] for p in (1, 2) for h in client.get("/api/v1/search", query_string={
        "sort": "newest", "outlet": "Daily", "per_page": 10, "page": p,
        "facets": ""}).json["results"]]
    assert [r["id"] for r in rows] == newest
    assert all(r["outlet"] == "Daily" and "body" not in r for r in rows)
    assert rows[-1]["published"] is None  # undated articles come last


def test_a_hostile_title_cannot_run_in_a_spreadsheet_and_links_stay_safe(client):
    rows = list(csv.DictReader(io.StringIO(export(client, q="id:hostile OR flooding").data
                                           .decode("utf-8"))))
    hostile = next(r for r in rows if r["id"] == "hostile")
    assert hostile["title"].startswith("'=HYPERLINK") and hostile["url"] == ""


def test_body_and_bom_only_when_asked(client):
    plain = export(client, q="flooding").data
    assert not plain.startswith(b"\xef\xbb\xbf") and b"Flooding hit the coast" not in plain
    full = export(client, q="flooding", body="true", bom="true").data
    assert full.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(full.decode("utf-8-sig"))))
    assert "body" in rows[0] and any("Flooding hit the coast" in r["body"] for r in rows)


@pytest.mark.parametrize("args, field", [
    ({"format": "xml"}, "format"), ({"body": "maybe"}, "body"), ({"sort": "best"}, "sort"),
    ({"per_page": "5"}, "per_page"), ({"q": "x" * 1001}, "q"),
])
def test_bad_export_requests_name_the_parameter(client, args, field):
    response = client.get("/api/v1/export", query_string=args)
    assert response.status_code == 422 and response.is_json
    assert field in response.json["errors"]["query"], response.json


def test_research_endpoints_are_in_the_openapi_spec(client):
    paths = client.get("/api/v1/openapi.json").json["paths"]
    assert {"/api/v1/timeline", "/api/v1/export"} <= set(paths)


def test_a_real_server_streams_a_whole_export_and_survives_a_hang_up(tmp_path):
    import socket
    import urllib.parse

    from tests.servers import SEARCHAPP_SERVE, fetch, get_json, serving

    many = [{"id": f"n{i:05d}", "title": f"Harbour report {i}", "outlet": "Wire",
             "published": f"2021-{1 + i % 12:02d}-01", "body": "The harbour reopened. " * 20}
            for i in range(3000)]
    index_dir = tmp_path / "index"
    build_index(IndexStore(index_dir), [write_jsonl(tmp_path / "many.jsonl", many)],
                workers=1, people=False)
    with serving(SEARCHAPP_SERVE + ["--index-dir", str(index_dir), "--workers", "1"],
                 index_dir) as base:
        # a client that reads one chunk and hangs up does not hold the worker
        host, port = urllib.parse.urlsplit(base).netloc.split(":")
        with socket.create_connection((host, int(port)), timeout=10) as sock:
            sock.sendall(b"GET /api/v1/export?format=jsonl&body=true HTTP/1.1\r\n"
                         b"Host: x\r\nConnection: close\r\n\r\n")
            assert sock.recv(4096).startswith(b"HTTP/1.1 200")
        assert get_json(f"{base}/api/v1/health")[0] == 200
        status, headers, body = fetch(f"{base}/api/v1/export?format=csv", timeout=60)
        rows = list(csv.DictReader(io.StringIO(body.decode("utf-8"))))
        assert status == 200 and headers["X-Total-Count"] == "3000" and len(rows) == 3000
        assert {r["id"] for r in rows} == {a["id"] for a in many}
        days = [r["published"] for r in rows]
        assert days == sorted(days, reverse=True)  # no query text: newest first
