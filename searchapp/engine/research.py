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
from whoosh import query as wq

from searchapp.engine.budget import Budget
from searchapp.engine.errors import TooManyBuckets
from searchapp.engine.facets import NO_DAY, period_count, periods
from searchapp.engine.matching import all_of, by_date, filter_masks, matching
from searchapp.engine.ranking import rank_matches
from searchapp.engine.snapshots import Snapshot
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


def ordered(snap: Snapshot, q: wq.Query, final: np.ndarray, scores: np.ndarray | None,
            sort: str, budget: Budget) -> tuple[np.ndarray, np.ndarray | None]:
    """Every document of `final` in `sort` order, and the scores it was ranked by (None
    when sorted by date); `scores` from the vectorised path, else whoosh scores them."""
    docnums = np.flatnonzero(final)
    ranked = sort == "relevance" and not isinstance(q, wq.Every)
    if ranked and scores is None:
        scores = _whoosh_scores(snap, q, final, budget)
    if ranked and bool(np.any(scores[docnums] > 0)):
        return docnums[np.lexsort((docnums, -scores[docnums]))], scores
    return by_date(snap, docnums, sort), None


def _whoosh_scores(snap: Snapshot, q: wq.Query, final: np.ndarray, budget: Budget
                   ) -> np.ndarray:
    """Scores of every match for a query the vectorised path does not handle."""
    scores = np.zeros(len(final), dtype=np.float64)
    matcher = q.matcher(snap.searcher, snap.searcher.context())
    steps = 0
    while matcher.is_active():
        docnum = matcher.id()
        if final[docnum]:
            scores[docnum] = matcher.score()
        matcher.next()
        steps += 1
        if steps % 4096 == 0:
            budget.check_time()
    return scores


def stored_in_order(snap: Snapshot, order: np.ndarray) -> Iterator[dict]:
    """The stored fields of each document, one at a time."""
    for docnum in order.tolist():
        yield snap.searcher.stored_fields(docnum)
