"""JSON Lines articles (optionally gzip-compressed) in our schema or a known/mapped layout."""

from __future__ import annotations

import gzip
import hashlib
import json
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path

from searchapp.article import Article
from searchapp.enrich.outlets import OutletNames
from searchapp.ingest.dates import ImplausibleDate, parse_published
from searchapp.ingest.layouts import OWN, Layout, detect_layout
from searchapp.ingest.report import IngestReport


def text_lines(path: Path) -> Iterator[tuple[int, str | None]]:
    """(line number, line with its ending) pairs, `.gz` decompressed transparently.

    Lines are decoded one by one so that bytes which are not UTF-8 cost only their own line:
    such a line comes as None for the caller to report. A leading byte-order mark is dropped.
    """
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rb") as handle:
        for number, raw in enumerate(handle, start=1):
            try:
                line = raw.decode("utf-8-sig" if number == 1 else "utf-8")
            except UnicodeDecodeError:
                yield number, None
                continue
            yield number, line


NOT_UTF8 = "not UTF-8 text (save the file as UTF-8)"


def content_id(title: str, body: str) -> str:
    """A stable id derived from the content, so re-ingesting the same record is idempotent."""
    digest = hashlib.sha1(f"{title}\n{body}".encode()).hexdigest()
    return digest[:16]


def _string_list(value: object, name: str) -> list[str]:
    if value is None or value == "":
        return []
    if isinstance(value, str) and value.lstrip().startswith("["):
        try:  # a JSON list written into a text field (CSV cells)
            value = json.loads(value)
        except json.JSONDecodeError:
            pass
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return [v.strip() for v in value if v.strip()]
    raise ValueError(f"'{name}' must be a list of strings")


def _text(record: dict, key: str) -> str:
    value = record.get(key)
    return "" if value is None else str(value).strip()


def record_to_article(
    record: object,
    source: str,
    report: IngestReport,
    layout: Layout = OWN,
    outlets: OutletNames | None = None,
) -> Article:
    """Convert one decoded JSON record to an Article; ValueError says what is wrong.

    An implausible date (year 0001 or 2050) is blanked and counted, not fatal.
    """
    if not isinstance(record, dict):
        raise ValueError("record is not a JSON object")
    title = record.get(layout.key("title"))
    body = record.get(layout.key("body"))
    if not isinstance(body, str) or not body.strip():
        raise ValueError(f"missing or empty '{layout.key('body')}'")
    if not isinstance(title, str) or not title.strip():
        raise ValueError(f"missing or empty '{layout.key('title')}'")
    article_id = _text(record, layout.key("id")) or content_id(title, body)
    try:
        published = parse_published(record.get(layout.key("published")))
    except ImplausibleDate:
        report.note("implausible dates left empty")
        published = None
    except ValueError as exc:
        raise ValueError(f"'{layout.key('published')}': {exc}") from None
    outlet = _text(record, layout.key("outlet"))
    if outlets is not None:
        outlet = outlets.name(outlet, _text(record, layout.outlet_domain or ""))
    return Article(
        id=article_id,
        title=title.strip(),
        body=body,
        outlet=outlet,
        published=published,
        authors=_string_list(record.get(layout.key("authors")), layout.key("authors")),
        people=_string_list(record.get(layout.key("people")), layout.key("people")),
        url=_text(record, layout.key("url")),
        source=source,
    )


def _records(path: Path, report: IngestReport | None = None) -> Iterator[tuple[int, str]]:
    for line_number, line in text_lines(path):
        if line is None:
            if report is not None:
                report.skip(str(path), line_number, NOT_UTF8)
        elif line.strip():
            yield line_number, line


def _first_record(path: Path) -> dict | None:
    for _, line in _records(path):
        try:
            record = json.loads(line)
        except json.JSONDecodeError:
            continue
        if isinstance(record, dict):
            return record
    return None


def outlet_names(records: Iterable[object], layout: Layout) -> OutletNames:
    """A first pass over a source: which labels appear on which outlet domain."""
    pairs: Counter = Counter()
    for record in records:
        if isinstance(record, dict):
            pairs[_text(record, layout.key("outlet")), _text(record, layout.outlet_domain)] += 1
    return OutletNames(pairs)


def _decoded(path: Path) -> Iterator[object]:
    for _, line in _records(path):
        try:
            yield json.loads(line)
        except json.JSONDecodeError:
            continue


def read_jsonl(
    path: Path, report: IngestReport, layout: Layout | None = None
) -> Iterator[Article]:
    """Yield an Article per good line; bad lines are reported with file and line number.

    The layout is recognised from the first record's keys unless one is given.
    """
    layout = layout or detect_layout(_first_record(path) or {})
    outlets = outlet_names(_decoded(path), layout) if layout.outlet_domain else None

    def numbered() -> Iterator[tuple[int, object]]:
        for line_number, line in _records(path, report):
            try:
                yield line_number, json.loads(line)
            except json.JSONDecodeError as exc:
                report.skip(str(path), line_number, f"invalid JSON: {exc.msg}")

    yield from articles_from_records(path, numbered(), report, layout, outlets)


def articles_from_records(
    path: Path,
    numbered: Iterable[tuple[int, object]],
    report: IngestReport,
    layout: Layout,
    outlets: OutletNames | None,
) -> Iterator[Article]:
    """Articles of (line number, record) pairs; a bad record is reported and skipped."""
    for line_number, record in numbered:
        try:
            article = record_to_article(record, f"{path}:{line_number}", report, layout, outlets)
        except ValueError as exc:
            report.skip(str(path), line_number, str(exc))
            continue
        report.read += 1
        yield article
