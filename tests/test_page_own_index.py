"""The page on a user's own index, in a real Chromium at desktop and phone width: examples
taken from that index, removable filter chips, a "no results" that blames a filter only
when a filter is to blame, and an attention chart that stays legible on a phone."""

from __future__ import annotations

import re

import pytest

from searchapp.api import create_app
from searchapp.engine import IndexStore
from searchapp.pipeline import build_index
from tests.browser import BROWSER_TESTS, browser_page, expect, served
from tests.conftest import write_jsonl

pytestmark = BROWSER_TESTS

DESKTOP = {"width": 1200, "height": 900}
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def own_url(tmp_path_factory):
    """A small index of the user's own: council news over six months, its own people."""
    root = tmp_path_factory.mktemp("own")
    records = []
    for i in range(12):
        month = 1 + i // 2
        records.append({
            "id": f"c{i}", "title": f"Council budget report {i}",
            "body": f"The council debated the budget again, report {i}. " +
                    ("Flooding closed the bridge." if i % 3 == 0 else ""),
            "outlet": "Town Gazette" if i % 2 else "River Post",
            "published": f"2024-{month:02d}-1{i % 2}",
            "people": ["Maria Okafor", "Tomas Lindqvist"] if i % 2 else ["Maria Okafor"]})
    source = write_jsonl(root / "own.jsonl", records)
    build_index(IndexStore(root / "index"), [source])
    with served(create_app(root / "index")) as base:
        yield base


@pytest.fixture(scope="module")
def sample_url(sample_index):
    with served(create_app(sample_index)) as base:
        yield base


def test_the_search_box_examples_come_from_the_index_it_searches(own_url, tmp_path):
    with browser_page(tmp_path / "placeholder.png") as page:
        page.goto(own_url + "/")
        box = page.locator("#q")
        expect(box).to_have_attribute("placeholder", re.compile("okafor"))
        placeholder = box.get_attribute("placeholder")
        assert 'person:"tomas lindqvist"' in placeholder
        assert "lavrov" not in placeholder and "putin" not in placeholder  # the sample's


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_active_filters_are_chips_that_remove_themselves(own_url, tmp_path, viewport):
    with browser_page(tmp_path / "chips.png", viewport) as page:
        page.goto(own_url + "/?q=budget&outlet=Town%20Gazette&person=Tomas%20Lindqvist"
                  "&date_from=2024-02-01&date_to=2024-05-31")
        chips = page.locator("#active-filters .chip")
        expect(chips).to_have_count(3)
        assert chips.nth(0).inner_text().startswith("Outlet: Town Gazette")
        shown = page.locator("#active-filters").inner_text()
        assert "Published: Feb 1, 2024 to May 31, 2024" in shown
        expect(page.locator("#active-filters")).to_be_visible()
        page.get_by_role("button", name="Remove filter Person: Tomas Lindqvist").click()
        expect(chips).to_have_count(2)
        assert "person=" not in page.url
        page.get_by_role("button", name=re.compile("Remove filter Published")).click()
        expect(chips).to_have_count(1)
        assert "date_from" not in page.url
        page.get_by_role("button", name="Remove filter Outlet: Town Gazette").click()
        expect(page.locator("#active-filters")).to_be_hidden()
        assert "outlet=" not in page.url and "q=budget" in page.url


def test_no_results_names_the_filters_only_when_they_are_the_cause(own_url, tmp_path):
    with browser_page(tmp_path / "empty.png") as page:
        # the query matches, the filters together exclude it
        page.goto(own_url + "/?q=flooding&date_from=2024-06-01")
        status = page.locator("#status")
        expect(status).to_have_text(re.compile("without them the query matches 4 articles"))
        # the query matches nothing at all: the filter is not to blame
        page.goto(own_url + "/?q=volcano&outlet=Town%20Gazette")
        expect(status).to_have_text("No articles match this query, even without the filters.")
        page.goto(own_url + "/?q=volcano")
        expect(status).to_have_text("No articles match this query.")


def _open_timeline(page) -> None:
    page.wait_for_selector(".result")
    page.locator("#timeline-panel summary").click()


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_the_attention_chart_keeps_its_text_legible_at_any_width(own_url, tmp_path, viewport):
    with browser_page(tmp_path / "chart.png", viewport) as page:
        page.goto(own_url + "/?q=budget")
        _open_timeline(page)
        page.wait_for_selector("#timeline-chart circle")
        chart = page.locator("#timeline-chart")
        box = chart.bounding_box()
        view_width = float(chart.get_attribute("viewBox").split()[2])
        # drawn one SVG unit per CSS pixel: neither squashed (the old preserveAspectRatio
        # "none" at 390 px) nor shrunk
        assert abs(view_width - box["width"]) <= 2, (view_width, box)
        tick = page.locator("#timeline-chart .tick").first.bounding_box()
        assert 9 <= tick["height"] <= 16, tick
        ticks = [t.strip() for t in page.locator("#timeline-chart .tick").all_text_contents()[:2]]
        assert ticks == ["100%", "0%"], ticks  # one format on the axis
        assert page.locator("#timeline-caption").inner_text().startswith("Share of all articles")


def test_the_chart_says_what_it_divides_by_and_draws_each_query_once(own_url, tmp_path):
    with browser_page(tmp_path / "chart-filters.png") as page:
        page.goto(own_url + "/?q=budget&outlet=River%20Post")
        _open_timeline(page)
        page.wait_for_selector("#timeline-chart circle")
        caption = page.locator("#timeline-caption")
        assert caption.inner_text().startswith("Share of the articles in these filters")
        assert "these filters" in page.locator("#normalised-label").inner_text()
        page.fill("#compare", "Budget\n  budget \nflooding")
        page.locator("#timeline-form button[type=submit]").click()
        expect(page.locator("#timeline-legend li")).to_have_count(2)
        expect(page.locator("#timeline-chart polyline")).to_have_count(2)
        ticks = page.locator("#timeline-chart .tick").all_text_contents()[:2]
        assert ticks == ["100%", "0%"]


def test_one_period_is_a_sentence_not_a_lone_dot(sample_url, tmp_path):
    """The sample's five articles share one day."""
    with browser_page(tmp_path / "one-period.png", PHONE) as page:
        page.goto(sample_url + "/?q=lavrov")
        _open_timeline(page)
        single = page.locator("#timeline-single li")
        expect(single).to_have_count(1)
        assert re.fullmatch(r"lavrov: 5 articles of 5 \(100%\)", single.inner_text().strip())
        expect(page.locator("#timeline-chart")).to_be_hidden()
        assert page.locator("#timeline-chart circle").count() == 0
