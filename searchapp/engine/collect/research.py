"""What media researchers ask of a corpus: attention to a topic over time, relative to
everything published, and the whole list of matching articles.

The timeline counts per period with the date histogram's machinery, one pass per query,
so it costs what a date facet costs; its periods are continuous (empty ones included) so a
chart's x-axis is. The export orders every matching document first (one array of numbers)
and reads stored articles one at a time while the caller writes them out.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from searchapp.engine.collect.matching import all_of, filter_masks, matching
from searchapp.engine.collect.ordering import ordered
from searchapp.engine.collect.ranking import rank_matches
from searchapp.engine.errors import TooManyBuckets
from searchapp.engine.read.budget import Budget
from searchapp.engine.read.facets import NO_DAY, period_count, periods
from searchapp.engine.read.snapshots import Snapshot
from searchapp.engine.types import (
    MAX_TIMELINE_BUCKETS,
    SearchRequest,
    TimelineBucket,
    TimelineRequest,
    TimelineSeries,
)


def timeline_series(snap: Snapshot, request: TimelineRequest, budget: Budget
                    ) -> tuple[str, list[TimelineSeries]]:
    cols = snap.columns
    base = all_of(cols.live, filter_masks(snap, request))
    interval = request.date_interval or cols.day.choose_interval(base)
    totals = cols.day.buckets(base, interval)
    if not totals:
        axis = []
    else:
        first = request.date_from or totals[0].start
        last = request.date_to or totals[-1].end
        if period_count(first, last, interval) > MAX_TIMELINE_BUCKETS:
            raise TooManyBuckets(
                f"more than {MAX_TIMELINE_BUCKETS} {interval} periods between {first} and "
                f"{last}: use a wider date_interval or a narrower date range")
        axis = periods(first, last, interval)
    total_of = {b.value: b.count for b in totals}
    undated_docs = cols.day.days == NO_DAY
    series = []
    for text in request.queries:
        hit = matching(snap, snap.query_text.parse(text), budget)[0] & base
        counts = {b.value: b.count for b in cols.day.buckets(hit, interval)}
        buckets = []
        for period in axis:
            count, total = counts.get(period.value, 0), total_of.get(period.value, 0)
            buckets.append(TimelineBucket(period.value, period.start, period.end, count, total,
                                          round(count / total, 6) if total else 0.0))
        series.append(TimelineSeries(text, int(hit.sum()), int((hit & undated_docs).sum()),
                                     buckets))
        budget.check_time()
    return interval, series


def export_order(snap: Snapshot, request: SearchRequest, budget: Budget) -> np.ndarray:
    """Every matching document number, in the request's sort (as `/search` orders them:
    relevance, or newest first for a query that only filters; undated articles last)."""
    q = snap.query_text.parse(request.q)
    matched, scores, _ = matching(snap, q, budget)
    final = all_of(matched, filter_masks(snap, request))
    ranked = rank_matches(snap, q, final, scores, request.sort, request.rank, budget)
    if ranked is not None:
        scores = ranked.scores
    return ordered(snap, q, final, scores, request.sort, budget)[0]


def stored_in_order(snap: Snapshot, order: np.ndarray) -> Iterator[dict]:
    """The stored fields of each document, one at a time."""
    for docnum in order.tolist():
        yield snap.searcher.stored_fields(docnum)
