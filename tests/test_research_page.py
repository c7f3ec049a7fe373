"""The page's research tools in a real headless Chromium: the download link and the
attention-over-time chart."""

from __future__ import annotations

import csv
import io
import re

import pytest

from searchapp.api import create_app
from tests.browser import browser_page, expect, needs_chromium, served

pytestmark = needs_chromium


@pytest.fixture(scope="module")
def base_url(sample_index):
    with served(create_app(sample_index)) as base:
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


def test_timeline_chart_draws_a_line_per_query_and_toggles_normalised(base_url, tmp_path):
    with browser_page(tmp_path / "timeline.png") as page:
        page.goto(base_url + "/?q=putin")
        page.wait_for_selector(".result")
        page.locator("#timeline-panel summary").click()
        page.wait_for_selector("#timeline-chart circle")
        assert page.locator("#timeline-chart polyline").count() == 1
        assert page.locator("#timeline-caption").inner_text().startswith("Share of all articles")
        page.fill("#compare", "lavrov\npatrushev")
        page.locator("#timeline-form button[type=submit]").click()
        expect(page.locator("#timeline-chart polyline")).to_have_count(3)
        assert page.locator("#timeline-legend li").count() == 3
        assert "patrushev (3)" in page.locator("#timeline-legend").inner_text()
        page.locator("#normalised").uncheck()
        expect(page.locator("#timeline-caption")).to_have_text(re.compile(r"^Articles per"))
        assert page.locator("#timeline-csv").get_attribute("href").startswith("blob:")
        # keyboard only: the panel's controls are reachable and work with the keyboard
        page.locator("#normalised").focus()
        page.keyboard.press("Space")
        expect(page.locator("#timeline-caption")).to_have_text(re.compile(r"^Share of all"))
