"""Story clusters: copies of one text share a story id from the build on, `add` puts a new
copy into its story, and /search collapses and counts by story; through the real CLI and
HTTP."""

from __future__ import annotations

import json

import pytest

from searchapp.api import create_app
from searchapp.article import Article
from searchapp.cli import main
from searchapp.engine import IndexStore, Searcher
from searchapp.engine.types import SearchRequest
from tests.browser import browser_page, expect, needs_chromium, served
from tests.conftest import write_jsonl
from tests.reference import old_format_index

WIRE = ("Lawmakers in the state senate approved a sweeping water bill on Tuesday after a "
        "marathon session, sending the measure to the governor, who has said she will sign "
        "it. The bill sets new limits on groundwater pumping in farming districts, creates a "
        "fund for rural wells that have run dry, and requires cities to publish their "
        "leakage rates every year. Farm groups opposed the pumping limits, arguing they would "
        "force growers to leave fields unplanted, while environmental groups said the fund "
        "was too small to help the families whose wells failed during the drought. ")
OTHER = ("The city's orchestra opened its season with a program of late romantic works, "
         "drawing a full house despite the rain. The new conductor, appointed in the spring, "
         "led a brisk performance of the second symphony and was called back three times. ")


def record(i: str, outlet: str, body: str, title: str = "Water bill passes") -> dict:
    return {"id": i, "title": title, "body": body, "outlet": outlet,
            "published": "2024-03-05", "people": ["Ann Lee"]}


RECORDS = [
    record("wire-ap", "AP", WIRE * 2),
    # the same story republished: a new headline, a sentence added, one word changed
    record("wire-herald", "Herald", "By Staff. " + (WIRE * 2).replace("sweeping", "broad"),
           title="Senate sends water bill to governor"),
    record("concert", "Herald", OTHER * 3, title="Orchestra opens season"),
    record("wire-gazette", "Gazette", WIRE * 2 + "Local reaction, page 4."),
]


@pytest.fixture()
def index_dir(tmp_path):
    source = write_jsonl(tmp_path / "a.jsonl", RECORDS)
    assert main(["index", "build", str(source), "--index-dir", str(tmp_path / "ix"),
                 "--workers", "1"]) == 0
    return tmp_path / "ix"


def test_copies_share_the_first_copys_story_and_collapse_to_one_result(index_dir):
    client = create_app(index_dir).test_client()
    body = client.get("/api/v1/search?q=water+bill&collapse=story").get_json()
    assert body["articles"] == 3 and body["total"] == 1
    [hit] = body["results"]
    assert hit["story"] == "wire-ap"
    others = {c["id"]: c["outlet"] for c in hit["copies"]["articles"]}
    assert hit["copies"]["count"] == 2
    assert {hit["id"]: hit["outlet"], **others} == {
        "wire-ap": "AP", "wire-herald": "Herald", "wire-gazette": "Gazette"}
    plain = client.get("/api/v1/search?q=water+bill").get_json()
    assert plain["total"] == plain["articles"] == 3
    assert {h["story"] for h in plain["results"]} == {"wire-ap"}
    every = client.get("/api/v1/search?collapse=story&q=*").get_json()
    assert every["total"] == 2  # the wire story and the concert


def test_count_by_story_counts_each_story_once_per_value(index_dir):
    client = create_app(index_dir).test_client()
    articles = client.get("/api/v1/search?facets=outlet,date&date_interval=month").get_json()
    stories = client.get("/api/v1/search?facets=outlet,date&date_interval=month"
                         "&count_by=story").get_json()
    by = {b["value"]: b["count"] for b in stories["facets"]["outlet"]}
    assert by == {"AP": 1, "Herald": 2, "Gazette": 1}  # Herald ran the wire story and the concert
    assert articles["facets"]["date"][0]["count"] == 4
    assert stories["facets"]["date"][0]["count"] == 2


def test_an_add_puts_a_new_copy_into_its_story(index_dir, tmp_path):
    more = write_jsonl(tmp_path / "more.jsonl", [
        record("wire-times", "Times", "From the wires. " + WIRE * 2, title="Water bill ok'd"),
        record("concert-2", "Times", OTHER.replace("rain", "snow") * 3, title="Season opens"),
        record("fresh", "Times", "A new bakery opened downtown on Sunday, selling rye bread "
               "and pastries to a queue that reached the corner.", title="Bakery opens")])
    assert main(["index", "add", str(more), "--index-dir", str(index_dir),
                 "--workers", "1"]) == 0
    searcher = Searcher(IndexStore(index_dir))
    stories = {h.id: h.story for h in
               searcher.search(SearchRequest(per_page=20, snippets=False)).hits}
    assert stories["wire-times"] == "wire-ap"
    assert stories["concert-2"] == "concert"
    assert stories["fresh"] == "fresh"
    # the same answers as a rebuild of the same articles in the same order
    rebuilt = tmp_path / "rebuilt"
    source = write_jsonl(tmp_path / "all.jsonl",
                         RECORDS + [json.loads(line) for line in more.read_text().splitlines()])
    assert main(["index", "build", str(source), "--index-dir", str(rebuilt),
                 "--workers", "1"]) == 0
    again = {h.id: h.story for h in Searcher(IndexStore(rebuilt)).search(
        SearchRequest(per_page=20, snippets=False)).hits}
    assert again == stories


@pytest.mark.parametrize(("query", "parameter"), [
    ("collapse=stories", "collapse"),
    ("collapse=story&sort=newest", "collapse"),
    ("collapse=story&sort=oldest", "collapse"),
    ("count_by=outlet", "count_by"),
])
def test_bad_story_parameters_are_a_422_naming_them(index_dir, query, parameter):
    response = create_app(index_dir).test_client().get(f"/api/v1/search?{query}")
    assert response.status_code == 422
    assert parameter in response.get_json()["errors"]["query"]


def test_an_index_from_before_story_clusters_says_to_rebuild(tmp_path):
    old = old_format_index(tmp_path / "old", [
        Article(id=r["id"], title=r["title"], body=r["body"], outlet=r["outlet"])
        for r in RECORDS])
    client = create_app(old).test_client()
    for query, parameter in (("collapse=story", "collapse"), ("count_by=story", "count_by")):
        response = client.get(f"/api/v1/search?{query}")
        assert response.status_code == 422
        assert "rebuild" in response.get_json()["errors"]["query"][parameter][0]
    plain = client.get("/api/v1/search?q=water").get_json()
    assert plain["total"] == 3 and plain["results"][0]["story"] == ""


@pytest.mark.browser
@needs_chromium
def test_the_page_collapses_copies_into_one_result(index_dir, tmp_path):
    with served(create_app(index_dir)) as base, \
            browser_page(tmp_path / "collapsed.png") as page:
        page.goto(base + "/?q=water+bill")
        page.wait_for_selector(".result")
        expect(page.locator(".result")).to_have_count(3)
        page.locator("#collapse").check()
        page.wait_for_url("**collapse=story**")
        expect(page.locator(".result")).to_have_count(1)
        expect(page.locator("#summary")).to_contain_text("1 story (3 articles)")
        copies = page.locator(".result .copies")
        expect(copies).to_contain_text("2 more copies of this story")
        assert copies.locator("a").count() == 2
        # a date sort cannot collapse: the box is off and disabled, all copies show
        page.select_option("#sort", "newest")
        expect(page.locator(".result")).to_have_count(3)
        expect(page.locator("#collapse")).to_be_disabled()
        page.select_option("#sort", "relevance")
        expect(page.locator(".result")).to_have_count(1)
        page.screenshot(path=str(tmp_path / "collapsed-list.png"))
        copies.locator("a").first.click()
        page.wait_for_url("**article=wire-**")
