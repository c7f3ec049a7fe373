"""Article fields read from a decoded record (a JSON line, a CSV row, a manifest entry).

One set of rules for every format: a value of the wrong type is a ValueError naming the
field, never coerced (`"people": 5` is reported; a string where a list belongs is one
comma-separated list, not a list of its letters).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import date

from searchapp.ingest.dates import ImplausibleDate, parse_published
from searchapp.ingest.layouts import ARTICLE_FIELDS, Layout
from searchapp.ingest.report import IngestReport

_SCALARS = (str, int, float)


def content_id(title: str, body: str) -> str:
    """A stable id derived from the content, so re-ingesting the same record is idempotent."""
    digest = hashlib.sha1(f"{title}\n{body}".encode()).hexdigest()
    return digest[:16]


def string_list(value: object, name: str) -> list[str]:
    """A list of strings, a JSON list written into a text cell, or a comma-separated string."""
    if value is None or value == "":
        return []
    if isinstance(value, str) and value.lstrip().startswith("["):
        try:  # a JSON list written into a text field (CSV cells)
            value = json.loads(value)
        except (ValueError, RecursionError):
            pass
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return [v.strip() for v in value if v.strip()]
    raise ValueError(f"'{name}' must be a list of strings")


def text_value(value: object, name: str) -> str:
    """A string field; numbers are accepted as their text, lists and objects are not."""
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, _SCALARS):
        raise ValueError(f"'{name}' must be a string")
    return str(value).strip()


MAX_EXTRA_KEYS = 64
MAX_EXTRA_VALUES = 50
MAX_EXTRA_CHARS = 200


def extra_values(record: dict, used: set[str]) -> dict[str, list[str]]:
    """The record's keys not read into an Article field, as lists of text: a string or a
    number is one value, a list of strings its values (comma-split as other lists are);
    objects, nulls and over-long values are left out, and so are keys beyond the first
    MAX_EXTRA_KEYS, so a record's odd keys cannot make an article large."""
    extra: dict[str, list[str]] = {}
    for key, value in record.items():
        if len(extra) >= MAX_EXTRA_KEYS:
            break
        if key in used or not isinstance(key, str):
            continue
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            value = str(value)
        if isinstance(value, str):
            values = [part.strip() for part in value.split(",")]
        elif isinstance(value, list) and all(isinstance(v, str) for v in value):
            values = [v.strip() for v in value]
        else:
            continue
        values = [v for v in values if v and len(v) <= MAX_EXTRA_CHARS][:MAX_EXTRA_VALUES]
        if values:
            extra[key] = values
    return extra


@dataclass
class Metadata:
    """The optional fields of an article, validated."""

    outlet: str = ""
    published: date | None = None
    authors: list[str] = field(default_factory=list)
    people: list[str] = field(default_factory=list)
    url: str = ""
    extra: dict[str, list[str]] = field(default_factory=dict)


def metadata(record: dict, layout: Layout, report: IngestReport) -> Metadata:
    """Outlet, date, authors, people and url of a record; ValueError names a bad field.

    An implausible date (year 0001 or 2050) is blanked and counted, not fatal.
    """
    key = layout.key
    try:
        published = parse_published(record.get(key("published")))
    except ImplausibleDate:
        report.note("implausible dates left empty")
        published = None
    except ValueError as exc:
        raise ValueError(f"'{key('published')}': {exc}") from None
    return Metadata(
        outlet=text_value(record.get(key("outlet")), key("outlet")),
        published=published,
        authors=string_list(record.get(key("authors")), key("authors")),
        people=string_list(record.get(key("people")), key("people")),
        url=text_value(record.get(key("url")), key("url")),
        extra=extra_values(record, {key(f) for f in ARTICLE_FIELDS}),
    )
