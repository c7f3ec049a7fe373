"""A slice of the real AllSides corpus: gzip input, messy dates, outlets, authors, updates,
and facet counts checked against a brute-force count over the same articles."""

from __future__ import annotations

import gzip
import json
import re
from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from searchapp.api import create_app
from searchapp.cli import main
from searchapp.engine import IndexStore
from searchapp.pipeline import build_index
from tests.conftest import FIXTURES, SHARED, write_jsonl

CORPUS = SHARED / "data" / "allsides_news" / "articles.jsonl.gz"
FIRST_RECORDS = 250
US_SHORT_DATE = re.compile(r"^\d{1,2}/\d{1,2}/\d{2}$")

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not CORPUS.exists(), reason="shared/ data not present")]


def _interesting(record: dict) -> bool:
    """Records that exercise the messy parts: short US dates, impossible years,
    outlet variants, junk authors."""
    date = record["date"]
    return bool(
        US_SHORT_DATE.match(date)
        or date[:4] in ("0001", "2050")
        or record["source"] in ("Fox Online News", "Fox News (Online)", "New York Times - News")
        or "Backgroundurl" in record["authors"]
    )


@pytest.fixture(scope="module")
def corpus_slice(tmp_path_factory) -> tuple[Path, list[dict]]:
    """The first records plus every 'interesting' one, up to a few per kind, gzip-written."""
    kept: list[dict] = []
    per_kind: Counter = Counter()
    with gzip.open(CORPUS, "rt", encoding="utf-8") as handle:
        for number, line in enumerate(handle):
            record = json.loads(line)
            kind = (record["source"] if record["source"].startswith(("Fox", "New York"))
                    else "date" if not record["authors"].startswith("Backgroundurl")
                    else "authors")
            if number < FIRST_RECORDS:
                kept.append(record)
            elif _interesting(record) and per_kind[kind] < 12:
                per_kind[kind] += 1
                kept.append(record)
    path = tmp_path_factory.mktemp("allsides") / "slice.jsonl.gz"
    with gzip.open(path, "wt", encoding="utf-8") as out:
        out.writelines(json.dumps(r) + "\n" for r in kept)
    return path, kept


@pytest.fixture(scope="module")
def corpus_index(corpus_slice, tmp_path_factory):
    path, records = corpus_slice
    root = tmp_path_factory.mktemp("allsides-index")
    stats, report = build_index(IndexStore(root), [path])
    return root, stats, report, records


@pytest.fixture(scope="module")
def corpus_client(corpus_index):
    return create_app(corpus_index[0]).test_client()


def all_hits(client, **params) -> list[dict]:
    hits, page = [], 1
    while True:
        body = client.get("/api/v1/search", query_string={
            **params, "per_page": 100, "page": page, "facets": "outlet"}).json
        hits.extend(body["results"])
        if len(hits) >= body["total"]:
            return hits
        page += 1


def test_gzip_allsides_layout_is_recognised_and_indexed(corpus_index):
    _, stats, report, records = corpus_index
    assert stats.indexed == len(records) and not report.skipped


def test_messy_dates(corpus_index, corpus_client):
    _, _, report, records = corpus_index
    impossible = [r for r in records if r["date"][:4] in ("0001", "2050")]
    assert impossible, "the slice must contain impossible dates"
    assert report.cleaned["implausible dates left empty"] == len(impossible)
    for record in impossible:
        assert corpus_client.get(f"/api/v1/articles/{record['ID']}").json["published"] is None
    short = [r for r in records if US_SHORT_DATE.match(r["date"])]
    assert short
    for record in short:
        month, day, year = (int(x) for x in record["date"].split("/"))
        published = corpus_client.get(f"/api/v1/articles/{record['ID']}").json["published"]
        assert published == f"{2000 + year:04d}-{month:02d}-{day:02d}"


def test_one_outlet_value_per_publication(corpus_client, corpus_index):
    records = corpus_index[3]
    body = corpus_client.get(
        "/api/v1/search", query_string={"facets": "outlet", "facet_size": 100}).json
    outlets = {b["value"]: b["count"] for b in body["facets"]["outlet"]}
    assert not [o for o in outlets if re.search(r" - (News|Opinion)$|\((Online|Web) News\)", o)]
    fox = sum(1 for r in records if r["source_url"] == "www.foxnews.com")
    assert outlets["Fox News"] == fox
    assert "Fox Online News" not in outlets
    nyt = sum(1 for r in records if r["source_url"] == "www.nytimes.com")
    assert outlets["New York Times"] == nyt


def test_authors_are_cleaned(corpus_client, corpus_index):
    junk = [r for r in corpus_index[3] if "Backgroundurl" in r["authors"]]
    assert junk
    for record in junk:
        authors = corpus_client.get(f"/api/v1/articles/{record['ID']}").json["authors"]
        assert not [a for a in authors if "Avatar" in a or "Count" in a or "Tags" in a]


@pytest.mark.parametrize("params", [
    {},  # every article: counted as the index's totals minus nothing
    {"q": "said OR says", "outlet": "CNN"},  # most articles: through the complement
    {"q": "president"},
    {"q": "immigration OR border"},
    {"q": "election", "outlet": "Fox News"},
    {"q": "trump", "date_from": "2017-01-01", "date_to": "2018-12-31"},
])
def test_facet_counts_equal_a_brute_force_count(corpus_client, params):
    body = corpus_client.get("/api/v1/search", query_string={
        **params, "facet_size": 100, "date_interval": "year"}).json
    assert body["total"] > 0
    # Outlet facet: every filter except the outlet one (disjunctive counting).
    outlet_scope = all_hits(corpus_client, **{k: v for k, v in params.items() if k != "outlet"})
    expected_outlets = Counter(h["outlet"] for h in outlet_scope if h["outlet"])
    assert {b["value"]: b["count"] for b in body["facets"]["outlet"]} == dict(expected_outlets)
    # Person facet and date facet: every filter applies (no person/date filter here
    # except the date range, which the date facet ignores).
    hits = all_hits(corpus_client, **params)
    assert len(hits) == body["total"]
    people = Counter(p for h in hits for p in set(h["people"]))
    top = {b["value"]: b["count"] for b in body["facets"]["person"]}
    assert all(people[name] == count for name, count in top.items())
    assert sorted(top.values(), reverse=True) == sorted(people.values(), reverse=True)[:len(top)]
    date_scope = all_hits(corpus_client, **{k: v for k, v in params.items()
                                            if k not in ("date_from", "date_to")})
    years = Counter(h["published"][:4] for h in date_scope if h["published"])
    assert {b["value"]: b["count"] for b in body["facets"]["date"]} == dict(years)


def _period(published: str, interval: str) -> str:
    day = date.fromisoformat(published[:10])
    if interval == "week":
        year, week, _ = day.isocalendar()
        return f"{year}-W{week:02d}"
    return {"day": day.isoformat(), "month": day.isoformat()[:7], "year": str(day.year)}[interval]


@pytest.mark.parametrize("interval", ["day", "week", "month", "year"])
def test_date_histogram_equals_a_brute_force_count(corpus_client, interval):
    body = corpus_client.get("/api/v1/search", query_string={
        "q": "trump OR election", "facets": "date", "date_interval": interval}).json
    hits = all_hits(corpus_client, q="trump OR election")
    expected = Counter(_period(h["published"], interval) for h in hits if h["published"])
    buckets = body["facets"]["date"]
    assert {b["value"]: b["count"] for b in buckets} == dict(expected)
    assert [b["start"] for b in buckets] == sorted(b["start"] for b in buckets)


def test_upsert_and_delete_reach_a_running_app(corpus_slice, tmp_path, capsys):
    path, records = corpus_slice
    index_dir = str(tmp_path / "ix")
    assert main(["index", "build", str(path), "--index-dir", index_dir]) == 0
    client = create_app(index_dir).test_client()
    target = records[0]
    update = write_jsonl(tmp_path / "update.jsonl", [{
        "id": target["ID"], "title": "Quillwort rewrite", "body": "Rewritten body about quillwort.",
        "outlet": "Test Desk", "published": "2020-01-02"}])
    assert main(["index", "add", str(update), "--index-dir", index_dir]) == 0
    assert client.get("/api/v1/search", query_string={"q": "quillwort"}).json["total"] == 1
    assert client.get(f"/api/v1/articles/{target['ID']}").json["outlet"] == "Test Desk"
    assert client.get("/api/v1/health").json["documents"] == len(records)
    assert main(["index", "delete", target["ID"], "--index-dir", index_dir]) == 0
    assert client.get("/api/v1/search", query_string={"q": "quillwort"}).json["total"] == 0
    assert client.get("/api/v1/health").json["documents"] == len(records) - 1
    capsys.readouterr()


def test_html_pages_are_read_with_trafilatura(tmp_path):
    root = tmp_path / "ix"
    stats, report = build_index(IndexStore(root), [FIXTURES / "pages"])
    assert stats.indexed == 1 and not report.skipped
    client = create_app(root).test_client()
    article = client.get("/api/v1/articles/lavrov-wang").json
    assert article["title"] == "Lavrov meets Wang Yi in Moscow"
    assert article["outlet"] == "Example News"
    assert article["published"] == "2023-02-22"
    assert article["authors"] == ["Jane Doe"]
    assert article["url"] == "https://example.com/world/lavrov-wang"
    assert not article["body"].startswith("Lavrov meets"), "the headline is not repeated"
    assert "Copyright" not in article["body"] and "Skip to content" not in article["body"]


def test_field_mapping_for_other_layouts(tmp_path, capsys):
    data = write_jsonl(tmp_path / "other.jsonl", [
        {"headline": "Mapped headline", "text": "Mapped text about grebes.", "when": "2021-05-06",
         "site": "Bird News"}])
    index_dir = str(tmp_path / "ix")
    code = main(["index", "build", str(data), "--index-dir", index_dir, "--map", "title=headline",
                 "--map", "body=text", "--map", "published=when", "--map", "outlet=site"])
    assert code == 0
    client = create_app(index_dir).test_client()
    [hit] = client.get("/api/v1/search", query_string={"q": "grebes"}).json["results"]
    assert (hit["title"], hit["outlet"], hit["published"]) == (
        "Mapped headline", "Bird News", "2021-05-06")
    assert main(["index", "build", str(data), "--index-dir", index_dir, "--map", "nonsense"]) == 1
    assert "--map expects field=key" in capsys.readouterr().err
