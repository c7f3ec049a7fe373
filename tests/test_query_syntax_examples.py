"""Every example of docs/query-syntax.md's table and of the README's query line, run against
the sample index: each is answered (200) and finds articles, and `published:` means what
the table says."""

from __future__ import annotations

import re

import pytest

from tests.servers import ROOT

SYNTAX = (ROOT / "docs" / "query-syntax.md").read_text(encoding="utf-8")
README = (ROOT / "README.md").read_text(encoding="utf-8")


def table_examples() -> list[str]:
    table = SYNTAX.split("| you type | it finds |", 1)[1].split("\n\n", 1)[0]
    rows = [line for line in table.splitlines()[2:] if line.startswith("|")]
    return [example for row in rows for example in re.findall(r"`([^`]+)`", row.split(" | ")[0])]


def readme_examples() -> list[str]:
    line = README.split("\nQueries: ", 1)[1].split("(", 1)[0]
    return re.findall(r"`([^`]+)`", line)


EXAMPLES = table_examples() + readme_examples()


def test_the_examples_were_found():
    assert len(table_examples()) >= 15 and "published:2023-02" in EXAMPLES
    assert len(readme_examples()) >= 5


@pytest.mark.parametrize("q", EXAMPLES)
def test_each_readme_query_example_finds_articles(client, q):
    response = client.get("/api/v1/search", query_string={"q": q})
    assert response.status_code == 200, response.json
    assert response.json["total"] >= 1, q


@pytest.mark.parametrize("q,date_from,date_to", [
    ("published:2023", "2023-01-01", "2023-12-31"),
    ("published:2023-02", "2023-02-01", "2023-02-28"),
    ("published:2023-02-22", "2023-02-22", "2023-02-22"),
    ("published:[2023-01-01 TO 2023-03-31]", "2023-01-01", "2023-03-31"),
    ("published:{2023-02-21 TO 2023-02-23}", "2023-02-22", "2023-02-22"),
    ("published:[2023-02-23 TO]", "2023-02-23", "2100-01-01"),
    ("published:[TO 2023-02-21]", "1900-01-01", "2023-02-21"),
])
def test_published_matches_the_same_articles_as_the_date_filter(client, q, date_from, date_to):
    by_query = client.get("/api/v1/search", query_string={"q": q}).json
    by_filter = client.get("/api/v1/search", query_string={
        "date_from": date_from, "date_to": date_to}).json
    assert by_query["total"] == by_filter["total"]
    assert [h["id"] for h in by_query["results"]] == [h["id"] for h in by_filter["results"]]


def test_published_combines_with_words(client):
    both = client.get("/api/v1/search", query_string={
        "q": "peskov AND published:2023-02"}).json["total"]
    words = client.get("/api/v1/search", query_string={"q": "peskov"}).json["total"]
    assert both == words >= 1
    none = client.get("/api/v1/search", query_string={
        "q": "peskov AND published:2016-03"}).json["total"]
    assert none == 0
