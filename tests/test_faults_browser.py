"""Fault suite, the page: stored hostile text and links in a real Chromium, alert() watched.

The article is written straight into the index (as an older version, without ingest's link
check, would have stored it), so what keeps the script from running is the API's filter,
the page's rendering of stored text as text, and the Content-Security-Policy.
"""

from __future__ import annotations

import pytest

from searchapp.api import create_app
from searchapp.article import Article
from searchapp.engine import Indexer, IndexStore
from tests.browser import BROWSER_TESTS, browser_page, served

pytestmark = BROWSER_TESTS

HOSTILE_TEXT = ('<img src=x onerror="alert(\'img\')"> <script>alert("script")</script> '
                '<a href="javascript:alert(\'a\')">click</a> zanzibarite')


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory):
    store = IndexStore(tmp_path_factory.mktemp("xss") / "index")
    urls = ["javascript:alert(document.domain)", "JaVaScRiPt:alert(document.domain)",
            "java\tscript:alert(document.domain)"]
    Indexer(store).rebuild([
        Article(id=f"xss{i}", title=f"<script>alert('title')</script> Story {i}",
                body=HOSTILE_TEXT, outlet="<b>Wire</b>", url=url,
                people=["<img src=x onerror=alert(1)>"])
        for i, url in enumerate(urls)])
    with served(create_app(store.root)) as base:
        yield base


def test_stored_script_never_runs_on_results_or_article_pages(hostile_site, tmp_path):
    with browser_page(tmp_path / "xss.png") as page:
        dialogs: list[str] = []
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        page.goto(hostile_site + "/?q=zanzibarite")
        page.wait_for_selector(".result")
        assert page.locator(".result").count() == 3
        assert page.locator(".result mark").first.inner_text() == "zanzibarite"
        for i in range(3):
            page.goto(f"{hostile_site}/?article=xss{i}")
            page.wait_for_selector("#article h1")
            assert page.locator("#article h1").inner_text().startswith("<script>")
            assert page.locator("text=Original article").count() == 0
            assert page.locator("#article a[href^='javascript'], #article img").count() == 0
            for link in page.locator("#article a, .results a").all():
                link.click(modifiers=["Control"])  # would run a javascript: href
        page.wait_for_timeout(300)
        assert dialogs == []


def test_the_policy_blocks_inline_script_even_if_markup_got_in(hostile_site, tmp_path):
    with browser_page(tmp_path / "csp.png") as page:
        dialogs: list[str] = []
        violations: list[str] = []
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        page.on("console", lambda message: violations.append(message.text)
                if "Content Security Policy" in message.text else None)
        page.goto(hostile_site + "/")
        page.wait_for_selector(".result")
        assert violations == [], "the page itself needs nothing the policy forbids"
        # What a markup injection would amount to: the browser refuses to run it.
        page.evaluate("""() => {
            const box = document.createElement('div');
            box.innerHTML = '<img src="x" onerror="alert(1)">';
            document.body.append(box);
        }""")
        page.wait_for_timeout(500)
        assert dialogs == []
        assert any("Content Security Policy" in v for v in violations)


def test_the_api_docs_page_works_under_the_policy(hostile_site, tmp_path):
    with browser_page(tmp_path / "docs.png") as page:
        violations: list[str] = []
        page.on("console", lambda message: violations.append(message.text)
                if "Content Security Policy" in message.text else None)
        page.goto(hostile_site + "/api/v1/docs")
        page.wait_for_selector(".opblock-summary-path")
        paths = page.locator(".opblock-summary-path").all_inner_texts()
        assert any("/api/v1/search" in p for p in paths), paths
        assert violations == []
