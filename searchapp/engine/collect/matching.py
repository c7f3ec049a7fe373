"""Which documents a query text and a request's filters select, shared by search, the
timeline and the export."""

from __future__ import annotations

import numpy as np
from whoosh import query as wq

from searchapp.engine.errors import UnknownFacetField
from searchapp.engine.read.budget import Budget
from searchapp.engine.read.facet_fields import Filters
from searchapp.engine.read.snapshots import Snapshot

FALLBACK_CHECK_EVERY = 4096  # documents the whoosh path walks between two looks at the clock


def facet_names(snap: Snapshot) -> list[str]:
    """Every facet this snapshot can count: the core three, then its declared fields."""
    return list(snap.facets)


def check_fields(snap: Snapshot, request: Filters) -> None:
    """UnknownFacetField for a filter on a field the index does not declare."""
    for name in request.fields:
        if name not in snap.columns.declared:
            raise UnknownFacetField(name, name, facet_names(snap))


def matching(snap: Snapshot, q: wq.Query, budget: Budget
             ) -> tuple[np.ndarray, np.ndarray | None, frozenset[str] | None]:
    """Documents that match the query text alone, their scores when the vectorised path
    could compute them (else None: whoosh scores the top hits), and the words to
    highlight (None: take them from the query)."""
    cols = snap.columns
    if isinstance(q, wq.Every) and not q.fieldname:
        return cols.live.copy(), None, frozenset()
    evaluated = snap.fast.evaluate(q, budget)
    if evaluated is not None:
        return evaluated.mask, evaluated.scores, evaluated.highlight
    mask = np.zeros(cols.doc_count, dtype=bool)
    ids = []
    for i, docnum in enumerate(snap.searcher.docs_for_query(q)):
        if i % FALLBACK_CHECK_EVERY == 0:
            budget.check_time()
        ids.append(docnum)
    mask[np.asarray(ids, dtype=np.int64)] = True
    return mask & cols.live, None, None


def filter_masks(snap: Snapshot, request: Filters) -> dict[str, np.ndarray]:
    """One mask per facet the request selects in, keyed by the facet's name."""
    check_fields(snap, request)
    masks = {}
    for name, facet in snap.facets.items():
        mask = facet.selection(request)
        if mask is not None:
            masks[name] = mask
    return masks


def all_of(base: np.ndarray, masks: dict[str, np.ndarray]) -> np.ndarray:
    out = base.copy()
    for mask in masks.values():
        out &= mask
    return out
