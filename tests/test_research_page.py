"""The page's research tools in a real headless Chromium: the download link and the
attention-over-time chart."""

from __future__ import annotations

import csv
import io
import re

import pytest

from searchapp.api import create_app
from searchapp.engine import IndexStore
from searchapp.pipeline import build_index
from tests.browser import BROWSER_TESTS, browser_page, expect, served
from tests.conftest import write_jsonl

pytestmark = BROWSER_TESTS


@pytest.fixture(scope="module")
def base_url(sample_index):
    with served(create_app(sample_index)) as base:
        yield base


@pytest.fixture(scope="module")
def months_url(tmp_path_factory):
    """The sample's people over three months (the sample itself is one day: a sentence)."""
    root = tmp_path_factory.mktemp("months")
    people = {"putin": "Vladimir Putin", "lavrov": "Sergey Lavrov",
              "patrushev": "Nikolai Patrushev"}
    records = [{"id": f"m{i}", "title": f"Talks {i}", "outlet": "Wire",
                "body": f"{' '.join(n for k, n in people.items() if i % 3 == 0 or k == 'putin')} "
                        f"met again, meeting {i}.",
                "published": f"2023-0{1 + i % 3}-1{i % 9}", "people": list(people.values())}
               for i in range(12)]
    source = write_jsonl(root / "months.jsonl", records)
    build_index(IndexStore(root / "index"), [source])
    with served(create_app(root / "index")) as base:
        yield base


def test_download_link_exports_what_the_page_shows(base_url, tmp_path):
    with browser_page(tmp_path / "download.png") as page:
        page.goto(base_url + "/?q=patrushev&sort=newest")
        page.wait_for_selector(".result")
        shown = page.locator(".result").count()
        link = page.locator("#download")
        href = link.get_attribute("href")
        assert "/api/v1/export" in href and "q=patrushev" in href and "sort=newest" in href
        with page.expect_download() as download:
            link.click()
        text = open(download.value.path(), encoding="utf-8-sig").read()
        rows = list(csv.DictReader(io.StringIO(text)))
        assert len(rows) == shown == 3


def test_timeline_chart_draws_a_line_per_query_and_toggles_normalised(months_url, tmp_path):
    with browser_page(tmp_path / "timeline.png") as page:
        page.goto(months_url + "/?q=putin")
        page.wait_for_selector(".result")
        page.locator("#timeline-panel summary").click()
        page.wait_for_selector("#timeline-chart circle")
        assert page.locator("#timeline-chart polyline").count() == 1
        assert page.locator("#timeline-caption").inner_text().startswith("Share of all articles")
        page.fill("#compare", "lavrov\npatrushev")
        page.locator("#timeline-form button[type=submit]").click()
        expect(page.locator("#timeline-chart polyline")).to_have_count(3)
        assert page.locator("#timeline-legend li").count() == 3
        assert "patrushev (4)" in page.locator("#timeline-legend").inner_text()
        page.locator("#normalised").uncheck()
        expect(page.locator("#timeline-caption")).to_have_text(re.compile(r"^Articles per"))
        assert page.locator("#timeline-csv").get_attribute("href").startswith("blob:")
        # keyboard only: the panel's controls are reachable and work with the keyboard
        page.locator("#normalised").focus()
        page.keyboard.press("Space")
        expect(page.locator("#timeline-caption")).to_have_text(re.compile(r"^Share of all"))
