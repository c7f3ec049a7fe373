"""A real headless Chromium (Debian's, driven by playwright) and a threaded server for it."""

from __future__ import annotations

import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from werkzeug.serving import make_server

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
needs_chromium = pytest.mark.skipif(not Path(CHROMIUM).exists(),
                                    reason="Debian chromium not installed")
# a module of page tests: `pytest -m "not browser"` leaves them out
BROWSER_TESTS = [pytest.mark.browser, needs_chromium]


@contextmanager
def served(app) -> Iterator[str]:
    """The WSGI app on 127.0.0.1 in a thread; its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)


@contextmanager
def browser_page(screenshot: Path, viewport: dict | None = None,
                 bypass_csp: bool = False) -> Iterator:
    """A page whose script errors fail the test; a full-page screenshot is kept.

    `bypass_csp` lets a test inject a checker script (axe-core) that the page's
    Content-Security-Policy would refuse."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport=viewport or {"width": 1200, "height": 900},
                                      bypass_csp=bypass_csp)
        page = context.new_page()
        page.set_default_timeout(15_000)
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        try:
            yield page
            page.screenshot(path=str(screenshot), full_page=True)
        finally:
            browser.close()
        assert not errors, errors


def expect(locator):
    """playwright's `expect`, imported when a browser test runs (not at collection)."""
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect(locator)


def summary_count(page) -> int:
    """The result count the page shows, once its search has been drawn."""
    page.wait_for_selector("body:not([aria-busy])", state="attached")
    return int(page.locator("#summary").inner_text().split()[0].replace(",", ""))
