"""JSON Lines articles in searchapp's own schema (optionally gzip-compressed)."""

from __future__ import annotations

import gzip
import hashlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from searchapp.article import Article
from searchapp.ingest.dates import parse_published
from searchapp.ingest.report import IngestReport


def open_text(path: Path) -> IO[str]:
    """Open a text file, decompressing `.gz` transparently."""
    if path.suffix == ".gz":
        return gzip.open(path, "rt", encoding="utf-8")
    return path.open("r", encoding="utf-8")


def content_id(title: str, body: str) -> str:
    """A stable id derived from the content, so re-ingesting the same record is idempotent."""
    digest = hashlib.sha1(f"{title}\n{body}".encode()).hexdigest()
    return digest[:16]


def _string_list(value: object, name: str) -> list[str]:
    if value is None or value == "":
        return []
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return [v.strip() for v in value if v.strip()]
    raise ValueError(f"'{name}' must be a list of strings")


def record_to_article(record: object, source: str) -> Article:
    """Convert one decoded JSON record to an Article; ValueError says what is wrong."""
    if not isinstance(record, dict):
        raise ValueError("record is not a JSON object")
    title = record.get("title")
    body = record.get("body")
    if not isinstance(body, str) or not body.strip():
        raise ValueError("missing or empty 'body'")
    if not isinstance(title, str) or not title.strip():
        raise ValueError("missing or empty 'title'")
    raw_id = record.get("id")
    article_id = str(raw_id).strip() if raw_id not in (None, "") else content_id(title, body)
    try:
        published = parse_published(record.get("published"))
    except ValueError as exc:
        raise ValueError(f"'published': {exc}") from None
    return Article(
        id=article_id,
        title=title.strip(),
        body=body,
        outlet=str(record.get("outlet") or "").strip(),
        published=published,
        authors=_string_list(record.get("authors"), "authors"),
        people=_string_list(record.get("people"), "people"),
        url=str(record.get("url") or "").strip(),
        source=source,
    )


def read_jsonl(path: Path, report: IngestReport) -> Iterator[Article]:
    """Yield an Article per good line; bad lines are reported with file and line number."""
    with open_text(path) as handle:
        for line_number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                report.skip(str(path), line_number, f"invalid JSON: {exc.msg}")
                continue
            try:
                article = record_to_article(record, f"{path}:{line_number}")
            except ValueError as exc:
                report.skip(str(path), line_number, str(exc))
                continue
            report.read += 1
            yield article
