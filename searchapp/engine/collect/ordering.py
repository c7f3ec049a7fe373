"""The order of a request's matches: the one rule that search, `collapse=story`, the export
and the re-rankers share.

A request is ordered by score when it asks for relevance, its query has words to rank by
(not `*` or a filter-only query such as `published:2023`), and some match scores above
zero; otherwise newest first (or oldest first), undated articles last. Ties keep index
order (lower document number first) in both, so any page of a result is a slice of the
same order, however it was asked for. Scores come from the vectorised path, or, for a
query it does not handle, from whoosh's matcher over every match.
"""

from __future__ import annotations

import numpy as np
from whoosh import query as wq

from searchapp.engine.collect.matching import FALLBACK_CHECK_EVERY
from searchapp.engine.read.budget import Budget
from searchapp.engine.read.facets import NO_DAY
from searchapp.engine.read.snapshots import Snapshot


def asks_for_scores(q: wq.Query, sort: str) -> bool:
    """Whether a request would be ordered by score if anything it matches scores."""
    return sort == "relevance" and not isinstance(q, wq.Every)


def ranking_scores(snap: Snapshot, q: wq.Query, final: np.ndarray, scores: np.ndarray | None,
                   sort: str, budget: Budget) -> np.ndarray | None:
    """The scores to order `final` by, or None when it is ordered by date. `scores` are the
    vectorised path's (None: whoosh scores the matches here)."""
    if not asks_for_scores(q, sort) or not final.any():
        return None
    if scores is None:
        scores = whoosh_scores(snap, q, final, budget)
    return scores if bool(np.any(scores[final] > 0)) else None


def ordered(snap: Snapshot, q: wq.Query, final: np.ndarray, scores: np.ndarray | None,
            sort: str, budget: Budget) -> tuple[np.ndarray, np.ndarray | None]:
    """Every document of `final` in order, and the scores it was ordered by (None: by
    date)."""
    ranked_by = ranking_scores(snap, q, final, scores, sort, budget)
    docnums = np.flatnonzero(final)
    if ranked_by is None:
        return by_date(snap, docnums, sort), None
    return docnums[np.lexsort((docnums, -ranked_by[docnums]))], ranked_by


def page(snap: Snapshot, q: wq.Query, final: np.ndarray, scores: np.ndarray | None, sort: str,
         start: int, end: int, budget: Budget) -> list[tuple[int, float | None]]:
    """Positions [start, end) of `ordered`, with each document's score (None: by date),
    without sorting every match: only what scores at least the end-th best is sorted."""
    ranked_by = ranking_scores(snap, q, final, scores, sort, budget)
    if ranked_by is None:
        return [(int(d), None) for d in by_date(snap, np.flatnonzero(final), sort)[start:end]]
    return top_documents(ranked_by, final, start, end)


def top_documents(scores: np.ndarray, mask: np.ndarray, start: int, end: int
                  ) -> list[tuple[int, float]]:
    """Documents of `mask` ranked by score (ties: lower docnum first), positions
    [start, end)."""
    candidates = np.flatnonzero(mask)
    if not len(candidates) or start >= len(candidates):
        return []
    candidate_scores = scores[candidates]
    if end < len(candidates):
        # Keep every document scoring at least the end-th best, ties included, so the
        # order (score, then docnum) is the same whichever page is asked for.
        threshold = -np.partition(-candidate_scores, end - 1)[end - 1]
        keep = candidate_scores >= threshold
        candidates, candidate_scores = candidates[keep], candidate_scores[keep]
    order = np.lexsort((candidates, -candidate_scores))[start:end]
    return [(int(candidates[i]), float(candidate_scores[i])) for i in order]


def by_date(snap: Snapshot, docnums: np.ndarray, sort: str) -> np.ndarray:
    """`docnums` newest first (or oldest first for sort "oldest"); unknown dates sort last
    in both directions, ties keep index order."""
    days = snap.columns.day.days[docnums].astype(np.int64)
    primary = days if sort == "oldest" else -days
    key = np.where(days == NO_DAY, np.iinfo(np.int64).max, primary)
    return docnums[np.lexsort((docnums, key))]


def whoosh_scores(snap: Snapshot, q: wq.Query, final: np.ndarray, budget: Budget
                  ) -> np.ndarray:
    """whoosh's score of every match, for a query the vectorised path does not handle."""
    scores = np.zeros(len(final), dtype=np.float64)
    matcher = q.matcher(snap.searcher, snap.searcher.context())
    steps = 0
    while matcher.is_active():
        docnum = matcher.id()
        if final[docnum]:
            scores[docnum] = matcher.score()
        matcher.next()
        steps += 1
        if steps % FALLBACK_CHECK_EVERY == 0:
            budget.check_time()
    return scores
