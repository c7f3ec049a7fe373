"""The search page in a real headless Chromium: query, facets, history, article (the date
bars and the defects a newcomer met are in test_page_defects.py)."""

from __future__ import annotations

import pytest

from searchapp.api import create_app
from tests.browser import BROWSER_TESTS, browser_page, expect, served, summary_count

pytestmark = BROWSER_TESTS


@pytest.fixture(scope="module")
def base_url(sample_index):
    with served(create_app(sample_index)) as base:
        yield base


@pytest.fixture
def page(base_url, tmp_path):
    with browser_page(tmp_path / "search-page.png") as page:
        yield page


def facet_box(page, facet: str, value: str):
    return page.locator(f'.facet[data-facet="{facet}"] input[type=checkbox][value="{value}"]')


def test_search_filter_histogram_history_and_article(page, base_url, tmp_path):
    page.goto(base_url + "/")
    page.wait_for_selector(".result")
    assert summary_count(page) == 5
    assert page.locator(".facet[data-facet=outlet] .facet-values li").count() == 5

    page.fill("#q", "lavrov")
    page.keyboard.press("Enter")
    page.wait_for_url("**q=lavrov**")
    total = summary_count(page)
    assert total >= 1
    assert page.locator(".result mark").count() >= 1

    facet_box(page, "outlet", "CNN").check()
    page.wait_for_url("**outlet=CNN**")
    assert summary_count(page) == 1
    # Disjunctive: the other outlets are still offered with their own counts.
    assert page.locator(".facet[data-facet=outlet] .facet-values li").count() > 1
    person = page.locator(".facet[data-facet=person] .facet-values input").first
    person_name = person.get_attribute("value")
    person.check()
    page.wait_for_url("**person=**")
    assert summary_count(page) <= 1
    expect(facet_box(page, "person", person_name)).to_be_checked()

    page.locator("#clear-all").click()
    page.wait_for_url(lambda url: "outlet=" not in url)
    assert summary_count(page) == total

    page.go_back()  # to the person filter, before Clear all
    page.wait_for_url("**person=**")
    assert summary_count(page) <= 1
    page.go_forward()
    page.wait_for_url(lambda url: "outlet=" not in url)
    assert summary_count(page) == total
    assert page.input_value("#q") == "lavrov"

    first_title = page.locator(".result h3 a").first.inner_text()
    page.locator(".result h3 a").first.click()
    page.wait_for_url("**article=**")
    page.wait_for_selector("#article h1")
    assert page.locator("#article h1").inner_text() == first_title
    assert not page.locator("#results").is_visible(), "the article view replaces the results"
    assert "null" not in page.locator("#article").inner_text()
    page.wait_for_selector("#similar .result")
    page.screenshot(path=str(tmp_path / "article.png"), full_page=True)

    page.go_back()
    page.wait_for_selector("#search-view:not([hidden]) .result")
    assert summary_count(page) == total


def test_person_chip_and_facet_filter_box(page, base_url):
    page.goto(base_url + "/?q=putin")
    page.wait_for_selector(".result .chip")
    chip = page.locator(".result .chip").first
    name = chip.inner_text()
    chip.click()
    page.wait_for_url("**person=**")
    expect(facet_box(page, "person", name)).to_be_checked()

    page.goto(base_url + "/")
    page.fill('.facet-filter[data-facet="person"]', "patr")
    suggestion = page.locator('.facet-suggestions[data-facet="person"] button').first
    suggestion.wait_for()
    label = suggestion.inner_text()
    suggestion.click()
    page.wait_for_url("**person=**")
    chosen = label.rsplit(" (", 1)[0]
    expect(facet_box(page, "person", chosen)).to_be_checked()


def test_empty_results_error_and_suggestion_are_shown(page, base_url):
    page.goto(base_url + "/?q=Lavrof")
    page.wait_for_selector("#suggestion-link")
    assert "No articles match" in page.locator("#status").inner_text()
    page.locator("#suggestion-link").click()
    page.wait_for_url("**q=Lavrov**")
    assert summary_count(page) >= 1

    page.goto(base_url + "/?page=0&sort=bogus")
    page.wait_for_selector("#status.error")
    assert "Sort: Must be one of" in page.locator("#status").inner_text()


def test_phone_width_and_keyboard(page, base_url, tmp_path):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(base_url + "/")
    page.wait_for_selector(".result")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.keyboard.press("Tab")  # brand link
    page.keyboard.press("Tab")  # search box
    page.keyboard.type("peskov")
    page.keyboard.press("Enter")
    page.wait_for_url("**q=peskov**")
    assert summary_count(page) >= 1
    page.screenshot(path=str(tmp_path / "phone.png"), full_page=True)


def test_a_ranked_result_says_why_it_is_there(page, base_url):
    page.goto(base_url + "/?q=china+russia+top+diplomat")
    page.wait_for_selector(".result")
    why = page.locator(".result .why").first
    why.locator("summary").click()
    expect(why.locator("p")).to_contain_text("Score ")  # asked for when first opened
    text = why.locator("p").inner_text()
    assert text.startswith("Score ") and "near each other" in text and "top results" in text
    score, parts = text.removeprefix("Score ").split(" = ")
    added = sum(float(part.split()[0]) for part in parts.split(" + "))
    assert added == pytest.approx(float(score), abs=0.03)  # each part rounded to 2 places
    page.goto(base_url + "/?q=china&sort=newest")
    page.wait_for_selector(".result")
    assert page.locator(".result .why").count() == 0
