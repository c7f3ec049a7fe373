"""Size limits every article is held to, whatever format it came in, and safe links.

A 50 MB body made every search that matched it take 10-25 s and `/articles/<id>` return
50 MB. Bodies are cut (at a word boundary) rather than skipped, so the article stays
findable; the longest of the 37,554 AllSides articles is 76,553 characters. Each cut or
dropped value is counted in the build summary.
"""

from __future__ import annotations

from dataclasses import replace

from searchapp.article import Article
from searchapp.ingest.report import IngestReport
from searchapp.urls import safe_url

MAX_ID_CHARS = 200
MAX_TITLE_CHARS = 1_000
MAX_BODY_CHARS = 200_000
MAX_NAME_CHARS = 200  # an outlet, an author, a person
MAX_AUTHORS = 50
MAX_PEOPLE = 500


def _cut(text: str, limit: int) -> str:
    cut = text[:limit]
    space = cut.rfind(" ", limit - 200)
    return cut[:space] if space > 0 else cut


def _names(values: list[str], limit: int, what: str, report: IngestReport) -> list[str]:
    kept = [v for v in values if len(v) <= MAX_NAME_CHARS]
    if len(kept) < len(values):
        report.note(f"{what} over {MAX_NAME_CHARS} characters dropped", len(values) - len(kept))
    if len(kept) > limit:
        report.note(f"{what} lists cut to {limit}")
        kept = kept[:limit]
    return kept


def bounded(article: Article, report: IngestReport) -> Article | None:
    """The article within the limits, or None (reported) when its id is unusable."""
    if len(article.id) > MAX_ID_CHARS:
        report.skip(article.source or "?", None, f"id longer than {MAX_ID_CHARS} characters")
        return None
    changes: dict = {}
    if len(article.title) > MAX_TITLE_CHARS:
        changes["title"] = _cut(article.title, MAX_TITLE_CHARS)
        report.note(f"titles cut to {MAX_TITLE_CHARS:,} characters")
    if len(article.body) > MAX_BODY_CHARS:
        changes["body"] = _cut(article.body, MAX_BODY_CHARS)
        report.note(f"article bodies cut to {MAX_BODY_CHARS:,} characters")
    if len(article.outlet) > MAX_NAME_CHARS:
        changes["outlet"] = ""
        report.note(f"outlet names over {MAX_NAME_CHARS} characters dropped")
    authors = _names(article.authors, MAX_AUTHORS, "author names", report)
    people = _names(article.people, MAX_PEOPLE, "person names", report)
    if authors != article.authors:
        changes["authors"] = authors
    if people != article.people:
        changes["people"] = people
    url = safe_url(article.url)
    if article.url.strip() and not url:
        report.note("links dropped (not an http or https URL)")
    if url != article.url:
        changes["url"] = url
    return replace(article, **changes) if changes else article
