"""What a newcomer meets on the page, in a real Chromium at desktop and phone width: shared
links whose filters can be unticked, the tab title, the filter drawer, a histogram with axes
and continuous periods, human error messages, honest empty facets, the article view, the
favicon, keyboard-only use and an axe-core accessibility check. Screenshots are kept in each
test's temp dir."""

from __future__ import annotations

from pathlib import Path

import pytest

from searchapp.api import create_app
from searchapp.engine import IndexStore
from searchapp.pipeline import build_index
from tests.browser import BROWSER_TESTS, browser_page, expect, served, summary_count
from tests.conftest import write_jsonl

pytestmark = BROWSER_TESTS

DESKTOP = {"width": 1200, "height": 900}
PHONE = {"width": 390, "height": 844}
AXE = Path(__file__).parent / "assets" / "axe.min.js"  # axe-core 4.10.3, MPL-2.0


@pytest.fixture(scope="module")
def sample_url(sample_index):
    with served(create_app(sample_index)) as base:
        yield base


@pytest.fixture(scope="module")
def spread_url(tmp_path_factory):
    """Articles in 2019, 2020 and 2023 (none in 2021-2022), one naming ten people."""
    root = tmp_path_factory.mktemp("spread")
    people = [f"Person Number{i}" for i in range(10)]
    records = [
        {"id": "a1", "title": "Budget talks open", "body": "Budget talks open in the capital.",
         "outlet": "Daily One", "published": "2019-03-02", "people": ["Ann Lee"]},
        {"id": "a2", "title": "Budget talks stall", "body": "Budget talks stall again.",
         "outlet": "Daily One", "published": "2019-09-14", "people": ["Ann Lee"]},
        {"id": "a3", "title": "Budget passes", "body": "The budget passes after talks.",
         "outlet": "Weekly Two", "published": "2020-06-30", "people": people},
        {"id": "a4", "title": "Budget review", "body": "A review of the budget talks.",
         "outlet": "Weekly Two", "published": "2023-01-05", "people": ["Bo Chan"]},
        {"id": "a5", "title": "Budget undated", "body": "Budget talks without a date.",
         "outlet": "Daily One", "people": []},
    ]
    source = write_jsonl(root / "spread.jsonl", records)
    build_index(IndexStore(root / "index"), [source])
    with served(create_app(root / "index")) as base:
        yield base


def open_filters(page, viewport) -> None:
    """At phone width the filters are in a drawer: open it."""
    if viewport is PHONE:
        page.locator("#filters-toggle").click()
        expect(page.locator("#sidebar")).to_be_visible()


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_filters_from_a_shared_link_can_be_unticked(sample_url, tmp_path, viewport):
    with browser_page(tmp_path / "shared-link.png", viewport) as page:
        page.goto(sample_url + "/?q=putin&person=Sergei+Lavrov&outlet=cnn")
        page.wait_for_selector(".result")
        open_filters(page, viewport)
        person = page.locator('.facet[data-facet=person] input[value="Sergey Lavrov"]')
        outlet = page.locator('.facet[data-facet=outlet] input[value="CNN"]')
        expect(person).to_be_checked()
        expect(outlet).to_be_checked()
        person.uncheck()
        page.wait_for_url(lambda url: "person=" not in url)
        expect(person).not_to_be_checked()
        outlet.uncheck()
        page.wait_for_url(lambda url: "outlet=" not in url)
        expect(outlet).not_to_be_checked()
        assert summary_count(page) == 5


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_tab_title_follows_the_view(sample_url, tmp_path, viewport):
    with browser_page(tmp_path / "title.png", viewport) as page:
        page.goto(sample_url + "/?q=lavrov")
        page.wait_for_selector(".result")
        assert page.title() == "lavrov — searchapp"
        headline = page.locator(".result h3 a").first.inner_text()
        page.locator(".result h3 a").first.click()
        page.wait_for_selector("#article h1")
        assert page.title() == f"{headline} — searchapp"
        page.locator("#back-link").click()
        page.wait_for_selector("#search-view:not([hidden]) .result")
        assert page.title() == "lavrov — searchapp"
        page.go_back()  # the article again, then back once more by the browser
        page.wait_for_selector("#article h1")
        page.go_back()
        page.wait_for_selector("#search-view:not([hidden]) .result")
        assert page.title() == "lavrov — searchapp"
        page.locator("#home-link").click()
        page.wait_for_selector(".result")
        assert page.title() == "searchapp — news search"


def test_phone_width_filters_open_in_a_drawer_and_keep_the_count_in_view(sample_url, tmp_path):
    with browser_page(tmp_path / "phone-results.png", PHONE) as page:
        page.goto(sample_url + "/")
        page.wait_for_selector(".result")
        toggle = page.locator("#filters-toggle")
        box = toggle.bounding_box()
        assert box and box["y"] < PHONE["height"], "the Filters button is on the first screen"
        summary = page.locator("#summary").bounding_box()
        assert summary and summary["y"] < PHONE["height"]
        assert not page.locator("#sidebar").is_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

        toggle.click()
        expect(page.locator("#sidebar")).to_be_visible()
        assert toggle.get_attribute("aria-expanded") == "true"
        page.screenshot(path=str(tmp_path / "phone-drawer.png"))
        page.locator('.facet[data-facet=outlet] input[value="CNN"]').check()
        page.wait_for_url("**outlet=CNN**")
        close = page.locator("#filters-close")
        expect(close).to_have_text("Show 1 result")
        close_box = close.bounding_box()
        assert close_box and 0 <= close_box["y"] < PHONE["height"], "the count stays in view"
        close.click()
        assert not page.locator("#sidebar").is_visible()
        expect(toggle).to_have_text("Filters (1)")
        assert summary_count(page) == 1
        assert page.locator("#summary").bounding_box()["y"] < PHONE["height"]

        toggle.click()
        page.keyboard.press("Escape")
        assert not page.locator("#sidebar").is_visible()
        assert page.evaluate("document.activeElement.id") == "filters-toggle"


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_histogram_has_axes_continuous_periods_and_counts_in_words(spread_url, tmp_path,
                                                                   viewport):
    with browser_page(tmp_path / "histogram.png", viewport) as page:
        page.goto(spread_url + "/?q=budget")
        page.wait_for_selector(".result")
        open_filters(page, viewport)
        bars = page.locator("#histogram .bar")
        starts = page.evaluate("""() => Array.from(document.querySelectorAll('#histogram .bar'))
            .map(b => b.dataset.start || b.title)""")
        assert bars.count() >= 5, starts  # 2019 .. 2023 at least, whatever the interval
        assert page.locator("#histogram .bar.empty").count() >= 1, "empty periods are drawn"
        titles = page.evaluate("""() => Array.from(document.querySelectorAll('#histogram .bar'))
            .map(b => b.title)""")
        assert any(t.endswith(": 1 article") for t in titles), titles
        assert not any("1 articles" in t for t in titles)
        assert any(t.endswith(": 0 articles") for t in titles)
        years = [t[:40] for t in titles]
        assert any("2021" in t for t in years) and any("2022" in t for t in years), years
        y_axis = page.locator("#histogram .y-axis").inner_text().split()
        assert y_axis[-1] == "0" and int(y_axis[0]) >= 1
        x_axis = page.locator("#histogram .x-axis").inner_text()
        assert "2019" in x_axis and "2023" in x_axis
        page.locator("#histogram button.bar").first.click()
        page.wait_for_url("**date_from=2019**")
        assert summary_count(page) >= 1
        expect(page.locator("#date-range")).to_contain_text("2019")


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_one_period_is_a_sentence_and_no_results_say_nothing_about_dates(sample_url, tmp_path,
                                                                        viewport):
    with browser_page(tmp_path / "one-period.png", viewport) as page:
        page.goto(sample_url + "/")
        page.wait_for_selector(".result")
        open_filters(page, viewport)
        expect(page.locator("#histogram .one-period")).to_have_text(
            "All 5 articles with a date: Feb 22, 2023")
        assert page.locator("#histogram .bar").count() == 0
        page.goto(sample_url + "/?q=zzzqqxxnothing")
        page.wait_for_selector("#status:not([hidden])")
        open_filters(page, viewport)
        assert "No dated articles" not in page.locator("#sidebar").inner_text()
        for facet in ("outlet", "person"):
            section = page.locator(f'.facet[data-facet="{facet}"]')
            expect(section.locator(".show-more")).to_be_hidden()
            expect(section.locator(".facet-values")).to_have_text("None in these results")


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_show_more_only_when_there_is_more(spread_url, tmp_path, viewport):
    with browser_page(tmp_path / "show-more.png", viewport) as page:
        page.goto(spread_url + "/?q=budget")
        page.wait_for_selector(".result")
        open_filters(page, viewport)
        people = page.locator('.facet[data-facet="person"]')
        assert people.locator(".facet-values li").count() == 8  # of 12 people
        more = people.locator(".show-more")
        expect(more).to_be_visible()
        more.click()
        page.wait_for_url("**more=person**")
        expect(people.locator(".facet-values li")).to_have_count(12)
        expect(more).to_have_text("Show fewer")
        outlets = page.locator('.facet[data-facet="outlet"]')
        assert outlets.locator(".facet-values li").count() == 2
        expect(outlets.locator(".show-more")).to_be_hidden()


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_errors_are_sentences_not_json(sample_url, tmp_path, viewport):
    with browser_page(tmp_path / "error.png", viewport) as page:
        page.goto(sample_url + "/?date_from=someday&sort=bogus")
        page.wait_for_selector("#status.error")
        text = page.locator("#status").inner_text()
        assert "{" not in text and "[" not in text and '"' not in text, text
        assert "From date:" in text and "Sort:" in text, text
        page.goto(sample_url + "/?article=no-such-article")
        page.wait_for_selector("#article .status.error")
        text = page.locator("#article").inner_text()
        assert "not in the index" in text and "{" not in text, text


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_article_view_lists_every_person_and_dates_read_alike(spread_url, tmp_path, viewport):
    with browser_page(tmp_path / "article.png", viewport) as page:
        page.goto(spread_url + "/?q=passes")
        page.wait_for_selector(".result")
        listed = page.locator(".result .meta").first.inner_text()
        assert "Jun 30, 2020" in listed, listed
        page.locator(".result h3 a").first.click()
        page.wait_for_selector("#article h1")
        assert page.locator("#article .chip").count() == 10
        meta = page.locator("#article .meta").inner_text()
        assert "Jun 30, 2020" in meta and "2020-06-30" not in meta, meta


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_no_request_of_the_page_fails(sample_url, tmp_path, viewport):
    failed: list[str] = []
    with browser_page(tmp_path / "requests.png", viewport) as page:
        page.on("response", lambda r: failed.append(f"{r.status} {r.url}")
                if r.status >= 400 else None)
        page.goto(sample_url + "/?q=lavrov")
        page.wait_for_selector(".result")
        page.wait_for_load_state("networkidle")
        icon = page.request.get(sample_url + "/favicon.ico")
        assert icon.status == 200 and icon.headers["content-type"].startswith("image/svg+xml")
    assert not failed, failed


def test_every_control_works_from_the_keyboard(sample_url, tmp_path):
    with browser_page(tmp_path / "keyboard.png") as page:
        page.goto(sample_url + "/?q=lavrov")
        page.wait_for_selector(".result")
        reached = set()
        for _ in range(80):
            page.keyboard.press("Tab")
            reached.add(page.evaluate("""() => { const e = document.activeElement;
                return e.id || e.className || e.tagName; }"""))
        for control in ("q", "clear-all", "sort", "collapse", "download", "result-link", "chip",
                        "facet-filter", "link show-more"):
            assert control in reached, (control, sorted(reached))
        assert "INPUT" in reached  # the facet checkboxes

        page.focus('.facet[data-facet=outlet] input[value="CNN"]')
        page.keyboard.press("Space")
        page.wait_for_url("**outlet=CNN**")
        summary_count(page)  # the new results are drawn: what is focused next stays
        page.focus("#sort")
        page.keyboard.press("ArrowDown")
        page.wait_for_url("**sort=newest**")
        summary_count(page)
        page.focus(".result-link")
        page.keyboard.press("Enter")
        page.wait_for_selector("#article h1")
        page.focus("#back-link")
        page.keyboard.press("Enter")
        page.wait_for_selector("#search-view:not([hidden]) .result")
        page.focus("#timeline-panel summary")
        page.keyboard.press("Enter")
        page.wait_for_selector("#timeline-figure:not([hidden])")


def test_phone_drawer_works_from_the_keyboard(sample_url, tmp_path):
    with browser_page(tmp_path / "keyboard-phone.png", PHONE) as page:
        page.goto(sample_url + "/")
        page.wait_for_selector(".result")
        page.focus("#filters-toggle")
        page.keyboard.press("Enter")
        assert page.evaluate("document.activeElement.id") == "filters-close"
        for _ in range(30):  # Tab stays in the drawer: what it covers takes no focus
            page.keyboard.press("Tab")
            assert page.evaluate("""() => !document.activeElement.closest('#results-pane, .top')
                """), page.evaluate("document.activeElement.outerHTML.slice(0, 80)")
        page.focus('.facet[data-facet=outlet] .facet-values input')
        page.keyboard.press("Space")
        page.wait_for_url("**outlet=**")
        page.keyboard.press("Escape")
        assert not page.locator("#sidebar").is_visible()
        assert summary_count(page) == 1


AXE_SERIOUS = "serious", "critical"


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
@pytest.mark.parametrize("path", ["/?q=lavrov", "/?q=zzzqqxxnothing",
                                  "/?article=001_e714217c4ce465dd", "/?sort=bogus"])
def test_axe_finds_no_serious_violation(sample_url, tmp_path, viewport, path):
    with browser_page(tmp_path / "axe.png", viewport, bypass_csp=True) as page:
        page.goto(sample_url + path)
        page.wait_for_selector("body:not([aria-busy])", state="attached")
        page.wait_for_load_state("networkidle")
        if viewport is PHONE and "article" not in path:
            page.locator("#filters-toggle").click()
        page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
        result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
        serious = [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
                   for v in result["violations"] if v["impact"] in AXE_SERIOUS]
        assert not serious, serious
