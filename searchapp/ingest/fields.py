"""Article fields read from a decoded record (a JSON line, a CSV row, a manifest entry).

One set of rules for every format: a value of the wrong type is a ValueError naming the
field, never coerced (`"people": 5` is reported; a string where a list belongs is one
list separated by semicolons or commas, not a list of its letters). A date that cannot be
read costs the date, not the article: it is left empty and reported.
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
# Lists in one text cell: "; " is what /export writes (names may hold commas: "King, Jr."),
# commas what people type; a cell with a semicolon is split on semicolons only.
LIST_SEPARATORS = (";", ",")
DATES_LEFT_EMPTY = "dates left empty (not a date)"
IMPLAUSIBLE_DATES = "implausible dates left empty"
# A key of our own export's JSON Lines: the declared facet fields of the article.
EXPORTED_FIELDS_KEY = "fields"


def content_id(title: str, body: str) -> str:
    """A stable id derived from the content, so re-ingesting the same record is idempotent."""
    digest = hashlib.sha1(f"{title}\n{body}".encode()).hexdigest()
    return digest[:16]


def string_list(value: object, name: str) -> list[str]:
    """A list of strings, a JSON list written into a text cell, or a string of values
    separated by semicolons (or, without any, commas)."""
    if value is None or value == "":
        return []
    if isinstance(value, str) and value.lstrip().startswith("["):
        try:  # a JSON list written into a text field (CSV cells)
            value = json.loads(value)
        except (ValueError, RecursionError):
            pass
    if isinstance(value, str):
        return [part.strip() for part in split_list(value) if part.strip()]
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return [v.strip() for v in value if v.strip()]
    raise ValueError(f"'{name}' must be a list of strings")


def split_list(text: str) -> list[str]:
    """A cell's values: split on the first of LIST_SEPARATORS it holds."""
    separator = next((s for s in LIST_SEPARATORS if s in text), LIST_SEPARATORS[-1])
    return text.split(separator)


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
    number is one value, a list of strings its values (split as other lists are);
    objects, nulls and over-long values are left out, and so are keys beyond the first
    MAX_EXTRA_KEYS, so a record's odd keys cannot make an article large. The `fields`
    object of our own export adds its keys, so an export indexes back with its facets."""
    extra: dict[str, list[str]] = {}
    items = list(record.items())
    exported = record.get(EXPORTED_FIELDS_KEY)
    if isinstance(exported, dict) and EXPORTED_FIELDS_KEY not in used:
        items += [(k, v) for k, v in exported.items() if k not in record]
    for key, value in items:
        if len(extra) >= MAX_EXTRA_KEYS:
            break
        if key in used or not isinstance(key, str):
            continue
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            value = str(value)
        if isinstance(value, str):
            values = [part.strip() for part in split_list(value)]
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


def metadata(record: dict, layout: Layout, report: IngestReport, source: str | None = None,
             line: int | None = None) -> Metadata:
    """Outlet, date, authors, people and url of a record; ValueError names a bad field.

    A date that is not one ("last tuesday", 2024-02-30) or is implausible (year 0001 or
    2050) is left empty and noted with `source` and `line`, not fatal.
    """
    key = layout.key
    try:
        published = parse_published(record.get(key("published")))
    except ImplausibleDate as exc:
        report.note(IMPLAUSIBLE_DATES, source=source, line=line, detail=str(exc))
        published = None
    except ValueError as exc:
        report.note(DATES_LEFT_EMPTY, source=source, line=line,
                    detail=f"'{key('published')}' left empty: {exc}")
        published = None
    return Metadata(
        outlet=text_value(record.get(key("outlet")), key("outlet")),
        published=published,
        authors=string_list(record.get(key("authors")), key("authors")),
        people=string_list(record.get(key("people")), key("people")),
        url=text_value(record.get(key("url")), key("url")),
        extra=extra_values(record, {key(f) for f in ARTICLE_FIELDS}),
    )
