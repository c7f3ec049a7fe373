"""`published:` in query text: a year, a month, a day, or a range of them.

    published:2023            every day of 2023
    published:2023-02         February 2023
    published:2023-02-22      that day
    published:[2023-03-01 TO 2023-04-01]   both ends included ({...} excludes them)
    published:[2023-01 TO]    from January 2023 on

whoosh's date plugin read `published:2023-02` as the words "published 2023 02" and any range
as the whole of its first year. Here the value becomes a `DayRange` over the `day` field,
which the vectorised path answers from the day column. A value that is not one of these
forms, or a range that ends before it starts, is an InvalidQuery (the API's 422 naming `q`).
"""

from __future__ import annotations

import calendar
import re
from datetime import date, timedelta

from whoosh import query as wq
from whoosh.qparser import syntax
from whoosh.qparser.plugins import TaggingPlugin

from searchapp.engine.errors import InvalidQuery

DAY_FIELD = "day"
FORMS = ("a year (2023), a month (2023-02), a day (2023-02-22) "
         "or a range ([2023-01-01 TO 2023-03-31])")
_PERIOD = re.compile(r"(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?")
_RANGE = re.compile(r"(?P<start>\S*?)\s*(?<!\S)to(?!\S)\s*(?P<end>\S*)", re.IGNORECASE)


def period(text: str) -> tuple[date, date]:
    """First and last day of a year, month or day written in ISO form."""
    match = _PERIOD.fullmatch(text)
    if not match:
        raise InvalidQuery(f"published: expects {FORMS}; got {text[:40]!r}")
    year, month, day = (int(g) if g else None for g in match.groups())
    try:
        if month is None:
            return date(year, 1, 1), date(year, 12, 31)
        if day is None:
            return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])
        return date(year, month, day), date(year, month, day)
    except ValueError:
        raise InvalidQuery(f"published: {text!r} is not a date") from None


class DayRange(wq.TermRange):
    """Articles published from `first` to `last` (inclusive; None leaves that end open).

    A TermRange over ISO day strings, so whoosh itself could run it; the vectorised path
    reads the day column instead and gives it no score (it filters, it does not rank).
    """

    def __init__(self, first: date | None, last: date | None, boost: float = 1.0):
        super().__init__(DAY_FIELD, first.isoformat() if first else None,
                         last.isoformat() if last else None, boost=boost)
        self.first = first
        self.last = last

    def normalize(self):
        return self

    def __repr__(self):
        return f"DayRange({self.first}, {self.last})"


def day_range(value: str) -> DayRange:
    """The DayRange for the text after `published:`."""
    value = value.strip()
    if not value:
        raise InvalidQuery(f"published: expects {FORMS}")
    if value[0] not in "[{":
        return DayRange(*period(value))
    if len(value) < 2 or value[-1] not in "]}":
        raise InvalidQuery(f"published: a range needs a closing bracket; expects {FORMS}")
    match = _RANGE.fullmatch(value[1:-1].strip())
    if not match:
        raise InvalidQuery(f"published: expects {FORMS}; got {value[:60]!r}")
    first = last = None
    if match["start"]:
        start, end = period(match["start"])
        first = start if value[0] == "[" else end + timedelta(days=1)
    if match["end"]:
        start, end = period(match["end"])
        last = end if value[-1] == "]" else start - timedelta(days=1)
    if first and last and first > last:
        raise InvalidQuery(f"published: the range {value[:60]} ends before it starts")
    return DayRange(first, last)


class _PublishedNode(syntax.SyntaxNode):
    def __init__(self, value: str):
        self.value = value

    def r(self):
        return f"published:{self.value}"

    def query(self, parser):
        return day_range(self.value)


class PublishedPlugin(TaggingPlugin):
    """Tags `published:VALUE` before whoosh's field and range plugins see it."""

    priority = -10
    expr = r"(?<![\w:])published:(?P<value>[\[{][^\]}]*[\]}]?|[^\s()\[\]{}]*)"
    nodetype = _PublishedNode
