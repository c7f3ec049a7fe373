"""Publication dates from the many ways sources write them."""

from __future__ import annotations

import re
from datetime import date, datetime

# Dates outside this window are data errors (0001-11-30, 2050-09-30), not news.
EARLIEST_YEAR = 1900
LATEST_YEAR_AHEAD = 1

_US_SHORT = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{2}|\d{4})$")


class ImplausibleDate(ValueError):
    """A well-formed date that cannot be a publication date."""


def parse_published(value: object) -> date | None:
    """Parse an ISO date or datetime (or US `M/D/YY`) to a date; empty means unknown.

    Raises ValueError for text that is not a date and ImplausibleDate for a year
    outside the plausible window, so callers can choose to skip or to blank it.
    """
    if value is None:
        return None
    if isinstance(value, datetime):
        return _plausible(value.date())
    if isinstance(value, date):
        return _plausible(value)
    text = str(value).strip()
    if not text:
        return None
    match = _US_SHORT.match(text)
    if match:
        month, day, year = (int(g) for g in match.groups())
        if year < 100:
            year += 2000 if year < 70 else 1900
        try:
            return _plausible(date(year, month, day))
        except ImplausibleDate:
            raise
        except ValueError:
            raise ValueError(f"not a date: {text!r}") from None
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        shown = text if len(text) <= 40 else text[:40] + "…"
        raise ValueError(f"not an ISO date or datetime: {shown!r}") from None
    return _plausible(parsed.date())


def _plausible(day: date) -> date:
    if not EARLIEST_YEAR <= day.year <= date.today().year + LATEST_YEAR_AHEAD:
        raise ImplausibleDate(f"implausible publication date: {day.isoformat()}")
    return day
