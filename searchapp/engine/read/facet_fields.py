"""Every facet behind one small protocol: what a request selects in it (a filter mask), what
it counts (buckets), and its values for autocomplete. Search, the timeline and the export
treat outlet, person, date and declared fields alike through it, instead of choosing by
name; a new kind of facet is a new class here.

Filters are disjunctive: a facet's own selection does not narrow its counts (a user who
picked one outlet still sees the others' counts), every other facet's does.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from searchapp.engine.read.facets import DayColumn, FacetColumns, ValueColumn
from searchapp.engine.types import DateBucket, FacetBucket


class Filters(Protocol):
    """What a request selects (a SearchRequest or a TimelineRequest)."""

    outlets: list[str]
    people: list[str]
    date_from: object
    date_to: object
    fields: dict[str, list[str]]


class Counting(Filters, Protocol):
    """What a request asks of the counts (a SearchRequest)."""

    facet_size: int
    date_interval: str | None


class Facet(Protocol):
    name: str
    values: ValueColumn | None  # the values autocomplete offers (None: not a value field)

    def selection(self, request: Filters) -> np.ndarray | None:
        """Documents the request's selection in this facet keeps; None: it selects none."""

    def counts(self, scope: np.ndarray, request: Counting, groups: np.ndarray | None
               ) -> tuple[list[FacetBucket] | list[DateBucket], str | None]:
        """Buckets over `scope` (of documents, or of distinct `groups`), and the date
        interval they were counted by (None for a value facet)."""


@dataclass(frozen=True)
class ValueFacet:
    """A keyword field: outlet, person, or one declared at build time."""

    name: str
    values: ValueColumn
    selected: Callable[[Filters], list[str]]  # the request's selected values
    doc_count: int

    def selection(self, request: Filters) -> np.ndarray | None:
        wanted = self.selected(request)
        return self.values.mask_for(wanted, self.doc_count) if wanted else None

    def counts(self, scope, request, groups):
        return self.values.buckets(scope, request.facet_size, self.selected(request),
                                   groups), None


@dataclass(frozen=True)
class DateFacet:
    """Publication dates, counted by day, week, month or year."""

    days: DayColumn
    name: str = "date"
    values: None = None

    def selection(self, request: Filters) -> np.ndarray | None:
        if not (request.date_from or request.date_to):
            return None
        return self.days.range_mask(request.date_from, request.date_to)

    def counts(self, scope, request, groups):
        interval = request.date_interval or self.days.choose_interval(scope)
        return self.days.buckets(scope, interval, groups), interval


def facets_of(columns: FacetColumns) -> dict[str, Facet]:
    """The facets of one snapshot by name: outlet, person, date, then declared fields."""
    found: dict[str, Facet] = {
        "outlet": ValueFacet("outlet", columns.outlet, lambda r: r.outlets, columns.doc_count),
        "person": ValueFacet("person", columns.person, lambda r: r.people, columns.doc_count),
        "date": DateFacet(columns.day),
    }
    for name, column in columns.declared.items():
        found[name] = ValueFacet(name, column, lambda r, name=name: r.fields.get(name) or [],
                                 columns.doc_count)
    return found
