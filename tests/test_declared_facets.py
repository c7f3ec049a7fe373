"""Facet fields declared at build time (`--facet-field topic --facet-field lean=bias_text`):
counted, filtered and searched like outlet, through the real CLI and HTTP."""

from __future__ import annotations

import csv
import io
from collections import Counter

import pytest

from searchapp.api import create_app
from searchapp.cli import main
from tests.browser import browser_page, expect, needs_chromium, served
from tests.conftest import write_jsonl
from tests.servers import cli

TOPICS = ["elections", "immigration", "elections", "healthcare"]
LEANS = ["left", "center", "right"]


def record(i: int, **extra) -> dict:
    return {"id": f"a{i}", "title": f"Report {i} on the vote",
            "body": f"Article {i} about the vote and the budget. " * 3,
            "source": ["CNN", "Fox News", "Reuters"][i % 3], "date": f"2020-0{1 + i % 9}-10",
            "people": ["Jane Roe"], "topic": TOPICS[i % 4], "bias_text": LEANS[i % 3], **extra}


RECORDS = [record(i) for i in range(24)]


MAPS = ["--map", "outlet=source", "--map", "published=date", "--workers", "1"]


def build(root, records: list[dict], *args: str):
    source = write_jsonl(root.parent / f"{root.name}.jsonl", records)
    assert main(["index", "build", str(source), "--index-dir", str(root), *MAPS, *args]) == 0
    return root


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory):
    return build(tmp_path_factory.mktemp("declared") / "index", RECORDS,
                 "--facet-field", "topic", "--facet-field", "lean=bias_text")


@pytest.fixture(scope="module")
def client(index_dir):
    return create_app(index_dir).test_client()


def counts(buckets: list[dict]) -> dict[str, int]:
    return {b["value"]: b["count"] for b in buckets}


def test_declared_fields_are_counted_like_outlet(client):
    body = client.get("/api/v1/search?facet_size=20").get_json()
    assert list(body["facets"]) == ["outlet", "person", "date", "lean", "topic"]
    assert counts(body["facets"]["topic"]) == Counter(r["topic"] for r in RECORDS)
    assert counts(body["facets"]["lean"]) == Counter(r["bias_text"] for r in RECORDS)
    hit = body["results"][0]
    source = next(r for r in RECORDS if r["id"] == hit["id"])
    assert hit["fields"] == {"lean": [source["bias_text"]], "topic": [source["topic"]]}
    health = client.get("/api/v1/health").get_json()
    assert health["facet_fields"] == ["outlet", "person", "date", "lean", "topic"]


def test_filters_are_disjunctive_within_a_field_and_and_across(client):
    body = client.get("/api/v1/search?lean=left&lean=right&topic=elections").get_json()
    expected = [r for r in RECORDS
                if r["bias_text"] in ("left", "right") and r["topic"] == "elections"]
    assert body["total"] == len(expected)
    lean = {b["value"]: b for b in body["facets"]["lean"]}
    # the lean facet ignores its own filter: center is still offered with its count
    assert lean["center"]["count"] == sum(r["topic"] == "elections" and r["bias_text"] ==
                                          "center" for r in RECORDS)
    assert lean["left"]["selected"] and lean["right"]["selected"]
    assert not lean["center"]["selected"]
    only = client.get("/api/v1/search?facets=topic&lean=center").get_json()
    assert list(only["facets"]) == ["topic"]
    # a value no article has is kept as selected at count 0, as for outlet
    none = client.get("/api/v1/search?lean=far-left").get_json()
    assert none["total"] == 0
    assert {"value": "far-left", "count": 0, "selected": True} in none["facets"]["lean"]


@pytest.mark.parametrize(("query", "parameter", "says"), [
    ("topik=elections", "topik", "lean, topic"),
    ("facets=outlet,topik", "facets", "lean, topic"),
    ("lean=", "lean", "Length"),
    ("lean=" + "x" * 301, "lean", "Length"),
    ("&".join(["lean=left"] * 51), "lean", "maximum"),
])
def test_bad_declared_parameters_are_a_422_naming_them(client, query, parameter, says):
    for path in ("/api/v1/search", "/api/v1/timeline", "/api/v1/export"):
        response = client.get(f"{path}?{query}")
        assert response.status_code == 422, (path, query)
        messages = response.get_json()["errors"]["query"][parameter]
        assert says in " ".join(messages)


def test_value_search_timeline_and_export_take_declared_fields(client):
    found = client.get("/api/v1/facets/topic?prefix=imm").get_json()
    assert found["values"] == [{"value": "immigration",
                                "count": sum(r["topic"] == "immigration" for r in RECORDS)}]
    missing = client.get("/api/v1/facets/nope")
    assert missing.status_code == 404
    assert "outlet, person, lean, topic" in missing.get_json()["message"]

    lefts = [r for r in RECORDS if r["bias_text"] == "left"]
    timeline = client.get("/api/v1/timeline?lean=left&date_interval=year").get_json()
    assert timeline["series"][0]["total"] == len(lefts)

    exported = client.get("/api/v1/export?lean=left").get_data(as_text=True)
    rows = list(csv.DictReader(io.StringIO(exported)))
    assert {row["id"] for row in rows} == {r["id"] for r in lefts}
    assert {row["lean"] for row in rows} == {"left"}
    assert all(row["topic"] == next(r["topic"] for r in lefts if r["id"] == row["id"])
               for row in rows)


@pytest.mark.slow
def test_add_and_rebuild_keep_the_declared_fields(tmp_path):
    index_dir = build(tmp_path / "index", RECORDS, "--facet-field", "topic")
    extra = write_jsonl(tmp_path / "new.jsonl",
                        [record(100, topic="climate", bias_text="center")])
    assert main(["index", "add", str(extra), "--index-dir", str(index_dir), *MAPS]) == 0
    client = create_app(index_dir).test_client()
    body = client.get("/api/v1/search?topic=climate").get_json()
    assert [h["id"] for h in body["results"]] == ["a100"]
    assert counts(body["facets"]["topic"])["climate"] == 1

    # a plain rebuild keeps the live index's fields; --no-facet-fields drops them
    build(index_dir, RECORDS)
    rebuilt = create_app(index_dir).test_client()
    assert "topic" in rebuilt.get("/api/v1/search").get_json()["facets"]
    build(index_dir, RECORDS, "--no-facet-fields")
    plain = create_app(index_dir).test_client()
    assert list(plain.get("/api/v1/search").get_json()["facets"]) == ["outlet", "person", "date"]
    refused = plain.get("/api/v1/search?topic=elections")
    assert refused.status_code == 422
    assert "outlet, person, date" in refused.get_json()["errors"]["query"]["topic"][0]


@pytest.mark.slow
def test_a_piped_add_fills_declared_fields(tmp_path):
    root = build(tmp_path / "piped", RECORDS[:6], "--facet-field", "topic")
    line = write_jsonl(tmp_path / "line.jsonl", [record(200, topic="sports")]).read_bytes()
    done = cli("index", "add", "-", "--index-dir", str(root), "--map", "outlet=source",
               stdin=line)
    assert done.returncode == 0, done.stderr
    body = create_app(root).test_client().get("/api/v1/search?topic=sports").get_json()
    assert [h["id"] for h in body["results"]] == ["a200"]


@pytest.mark.parametrize(("spec", "says"), [
    ("Topic", "lowercase"), ("q", "taken"), ("outlet=source", "taken"), ("a b", "lowercase"),
])
def test_bad_declarations_are_one_line_errors(tmp_path, capsys, spec, says):
    source = write_jsonl(tmp_path / "a.jsonl", RECORDS[:2])
    code = main(["index", "build", str(source), "--index-dir", str(tmp_path / "ix"),
                 "--facet-field", spec])
    err = capsys.readouterr().err.strip()
    assert code == 1
    assert err.startswith("error: --facet-field") and says in err and "\n" not in err
    assert not (tmp_path / "ix").exists() or not any((tmp_path / "ix").glob("gen-*"))


@pytest.mark.browser
@needs_chromium
def test_the_page_shows_a_declared_facet_and_filters_by_it(index_dir, tmp_path):
    with served(create_app(index_dir)) as base, \
            browser_page(tmp_path / "declared-facet.png") as page:
        page.goto(base + "/?lean=left")
        page.wait_for_selector(".result")
        section = page.locator('.facet[data-facet="lean"]')
        expect(section.locator("h3")).to_have_text("Lean")
        left = section.locator('input[type=checkbox][value="left"]')
        expect(left).to_be_checked()
        lefts = sum(r["bias_text"] == "left" for r in RECORDS)
        expect(page.locator("#summary")).to_contain_text(f"{lefts} articles")
        assert "Lean: left" in page.locator(".result .meta").first.inner_text()
        # keyboard only: tick "right" too (OR within the field)
        section.locator('input[type=checkbox][value="right"]').focus()
        page.keyboard.press("Space")
        page.wait_for_url("**lean=right**")
        both = sum(r["bias_text"] in ("left", "right") for r in RECORDS)
        expect(page.locator("#summary")).to_contain_text(f"{both} articles")
        left.uncheck()
        page.wait_for_function("!location.search.includes('lean=left')")
        expect(page.locator("#summary")).to_contain_text(
            f"{sum(r['bias_text'] == 'right' for r in RECORDS)} articles")
        # the value box searches the declared field
        page.locator('.facet-filter[data-facet="topic"]').fill("imm")
        page.locator('.facet-suggestions[data-facet="topic"] button').click()
        page.wait_for_url("**topic=immigration**")
        expect(page.locator('.facet[data-facet="topic"] input[value="immigration"]')
               ).to_be_checked()
        page.locator("#clear-all").click()
        page.wait_for_function("!location.search.includes('lean=')")
        expect(page.locator("#summary")).to_contain_text(f"{len(RECORDS)} articles")


# whoosh pickles the schema into each index's table of contents, naming our field types and
# analyzers by module path: an index written by an earlier release must still open, so
# these modules never move (searchapp/engine/__init__.py says so).
PICKLED_MODULES = {"searchapp.engine.schema", "searchapp.engine.english",
                   "searchapp.engine.capture", "searchapp.engine.declared"}


def test_an_index_names_only_modules_that_never_move(index_dir):
    import importlib
    import re

    tocs = list(index_dir.glob("gen-*/_MAIN_*.toc"))
    assert tocs
    named = {m.decode() for toc in tocs
             for m in re.findall(rb"searchapp(?:\.\w+)+", toc.read_bytes())}
    assert named and named <= PICKLED_MODULES, named - PICKLED_MODULES
    for module in named:
        importlib.import_module(module)
