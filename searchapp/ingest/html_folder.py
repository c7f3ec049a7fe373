"""A folder of saved article pages, read with trafilatura (text, title, date, site, authors)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from searchapp.article import Article
from searchapp.ingest.dates import ImplausibleDate, parse_published
from searchapp.ingest.fields import DATES_LEFT_EMPTY, IMPLAUSIBLE_DATES
from searchapp.ingest.files import folder_entry, read_capped
from searchapp.ingest.report import IngestReport

HTML_SUFFIXES = (".html", ".htm")
MAX_PAGE_BYTES = 16 * 2**20  # saved news pages are well under this, scripts and all


def _without_headline(text: str, title: str) -> str:
    first, _, rest = text.partition("\n")
    return rest.strip() if title and first.strip() == title.strip() else text.strip()


def read_html_folder(folder: Path, report: IngestReport) -> Iterator[Article]:
    """Yield one Article per saved page; the id is the file name without extension."""
    pages = sorted(p for p in folder.iterdir() if p.suffix.lower() in HTML_SUFFIXES)
    if not pages:
        return
    import trafilatura  # imported here: it is slow to import and only pages need it

    for path in pages:
        problem = folder_entry(folder, path)
        if problem:
            report.skip(str(path), None, problem)
            continue
        try:
            data, cut = read_capped(path, MAX_PAGE_BYTES)
        except OSError as exc:
            report.skip(str(path), None, f"unreadable: {exc.strerror or exc}")
            continue
        if cut:
            report.skip(str(path), None, f"page larger than {MAX_PAGE_BYTES // 2**20} MB")
            continue
        page = data.decode("utf-8", errors="replace")
        try:
            extracted = trafilatura.bare_extraction(page, with_metadata=True)
        except Exception as exc:  # a parser failure on one odd page must not end the build
            report.skip(str(path), None, f"page not readable as HTML ({type(exc).__name__})")
            continue
        doc = extracted.as_dict() if extracted is not None else {}
        text, title = (doc.get("text") or "").strip(), (doc.get("title") or "").strip()
        if not text:
            report.skip(str(path), None, "no article text found in the page")
            continue
        try:
            published = parse_published(doc.get("date"))
        except ImplausibleDate as exc:
            report.note(IMPLAUSIBLE_DATES, source=str(path), detail=str(exc))
            published = None
        except ValueError as exc:
            report.note(DATES_LEFT_EMPTY, source=str(path), detail=f"page date left empty: {exc}")
            published = None
        authors = [a.strip() for a in (doc.get("author") or "").split(";") if a.strip()]
        report.read += 1
        yield Article(
            id=path.stem,
            title=title,
            body=_without_headline(text, title),
            outlet=(doc.get("sitename") or doc.get("hostname") or "").strip(),
            published=published,
            authors=authors,
            url=(doc.get("url") or "").strip(),
            source=str(path),
        )
