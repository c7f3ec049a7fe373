"""JSON Lines articles (optionally gzip-compressed) in our schema or a known/mapped layout."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path

from searchapp.article import Article
from searchapp.ingest.fields import content_id, metadata, text_value
from searchapp.ingest.files import (
    NOT_UTF8_DETAIL,
    NOT_UTF8_REPLACED,
    RepairedLine,
    Unreadable,
    text_lines,
)
from searchapp.ingest.layouts import ARTICLE_FIELDS, OWN, Layout, detect_layout
from searchapp.ingest.outlets import OutletNames
from searchapp.ingest.report import IngestReport


def record_to_article(
    record: object,
    source: str,
    report: IngestReport,
    layout: Layout = OWN,
    outlets: OutletNames | None = None,
    line: int | None = None,
) -> Article:
    """Convert one decoded JSON record to an Article; ValueError says what is wrong.
    `source` and `line` say where it was, for what the report notes about it."""
    if not isinstance(record, dict):
        raise ValueError("record is not a JSON object")
    title = record.get(layout.key("title"))
    body = record.get(layout.key("body"))
    if not isinstance(body, str) or not body.strip():
        raise ValueError(f"missing or empty '{layout.key('body')}'")
    if not isinstance(title, str) or not title.strip():
        raise ValueError(f"missing or empty '{layout.key('title')}'")
    article_id = text_value(record.get(layout.key("id")), layout.key("id")) \
        or content_id(title, body)
    meta = metadata(record, layout, report, source, line)
    outlet = meta.outlet
    if outlets is not None:
        domain = record.get(layout.outlet_domain or "")
        outlet = outlets.name(outlet, domain.strip() if isinstance(domain, str) else "")
    return Article(
        id=article_id,
        title=title.strip(),
        body=body,
        outlet=outlet,
        published=meta.published,
        authors=meta.authors,
        people=meta.people,
        url=meta.url,
        source=f"{source}:{line}" if line is not None else source,
        extra=meta.extra,
    )


# Record keys that usually hold an article's text, best first: what a hint proposes.
BODY_LIKE_KEYS = ("text", "content", "article", "body_text", "full_text", "story",
                  "article_text", "content_original", "description", "summary")


def no_body_hint(path: Path, keys: list[str], layout: Layout, what: str) -> str | None:
    """One line for a source whose first record has no body key: its keys, and the --map
    that would read one of them as the body."""
    body = layout.key("body")
    if body in keys:
        return None
    folded = {key.casefold(): key for key in keys}
    guess = next((folded[k] for k in BODY_LIKE_KEYS if k in folded), None)
    unused = [k for k in keys if k not in {layout.key(f) for f in ARTICLE_FIELDS}]
    guess = guess or (unused[0] if unused else "TEXT_COLUMN")
    shown = ", ".join(keys[:20]) + (", ..." if len(keys) > 20 else "")
    return (f"{path}: no {what} named {body!r} holds the article text ({what}s: {shown}); "
            f"name the one that does, e.g. --map body={guess}")


def decode_json(line: str) -> object:
    """json.loads whose every failure is a ValueError (deep nesting raises RecursionError,
    a 5,000-digit number a plain ValueError)."""
    try:
        return json.loads(line)
    except json.JSONDecodeError as exc:
        raise ValueError(f"invalid JSON: {exc.msg}") from None
    except RecursionError:
        raise ValueError("invalid JSON: nested too deeply") from None
    except ValueError as exc:
        raise ValueError(f"invalid JSON: {exc}") from None


def _records(path: Path, report: IngestReport | None = None) -> Iterator[tuple[int, str]]:
    for line_number, line in text_lines(path):
        if isinstance(line, Unreadable):
            if report is not None:
                report.skip(str(path), line_number, line.reason)
        elif line.strip():
            if isinstance(line, RepairedLine) and report is not None:
                report.note(NOT_UTF8_REPLACED, source=str(path), line=line_number,
                            detail=NOT_UTF8_DETAIL)
            yield line_number, line


def _decoded(path: Path) -> Iterator[object]:
    """The records of a file for a first pass (layout, outlet names): bad lines are
    left to the main pass to report."""
    for _, line in _records(path):
        try:
            yield decode_json(line)
        except ValueError:
            continue


def _first_record(path: Path) -> dict | None:
    return next((r for r in _decoded(path) if isinstance(r, dict)), None)


def outlet_names(records: Iterable[object], layout: Layout) -> OutletNames:
    """A first pass over a source: which labels appear on which outlet domain."""
    pairs: Counter = Counter()
    for record in records:
        if isinstance(record, dict):
            label, domain = record.get(layout.key("outlet")), record.get(layout.outlet_domain)
            if isinstance(label, str) and isinstance(domain, str):
                pairs[label.strip(), domain.strip()] += 1
    return OutletNames(pairs)


def read_jsonl(
    path: Path, report: IngestReport, layout: Layout | None = None
) -> Iterator[Article]:
    """Yield an Article per good line; bad lines are reported with file and line number.

    The layout is recognised from the first record's keys unless one is given.
    """
    first = _first_record(path)
    layout = layout or detect_layout(first or {})
    if first is not None:
        hint = no_body_hint(path, [k for k in first if isinstance(k, str)], layout, "key")
        if hint:
            report.hint(hint)
    outlets = outlet_names(_decoded(path), layout) if layout.outlet_domain else None

    def numbered() -> Iterator[tuple[int, object]]:
        for line_number, line in _records(path, report):
            try:
                yield line_number, decode_json(line)
            except ValueError as exc:
                report.skip(str(path), line_number, str(exc))

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
            article = record_to_article(record, str(path), report, layout, outlets, line_number)
        except ValueError as exc:
            report.skip(str(path), line_number, str(exc))
            continue
        report.read += 1
        yield article


class StreamedRecords:
    """Articles of JSON lines that arrive in batches (a pipe); the layout is the given one or
    recognised from the first record, and outlet labels are taken as they come (a first
    pass over the whole input, as for files, is impossible on a pipe)."""

    def __init__(self, source: str, report: IngestReport, layout: Layout | None = None):
        self.source = source
        self.report = report
        self.layout = layout

    def articles(self, lines: Iterable[tuple[int, str | Unreadable]]) -> Iterator[Article]:
        for number, line in lines:
            if isinstance(line, Unreadable):
                self.report.skip(self.source, number, line.reason)
                continue
            if not line.strip():
                continue
            if isinstance(line, RepairedLine):
                self.report.note(NOT_UTF8_REPLACED, source=self.source, line=number,
                                 detail=NOT_UTF8_DETAIL)
            try:
                record = decode_json(line)
            except ValueError as exc:
                self.report.skip(self.source, number, str(exc))
                continue
            if self.layout is None and isinstance(record, dict):
                self.layout = detect_layout(record)
            try:
                article = record_to_article(record, self.source, self.report,
                                            self.layout or OWN, line=number)
            except ValueError as exc:
                self.report.skip(self.source, number, str(exc))
                continue
            self.report.read += 1
            yield article
