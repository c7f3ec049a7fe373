"""Vectorised matching and BM25F scoring over whoosh's own posting lists.

whoosh walks postings one document at a time in Python; for a term matching 20,000
articles that costs tens of milliseconds per query. Here each posting list is read once
per index generation, block by block, into NumPy arrays (ids and term frequencies), and
a query made of terms combined with AND/OR/NOT is evaluated and scored with array
operations. The scores are whoosh's BM25F with our idf (`scoring.NewsBM25F`), computed
from the same quantised field lengths, so rankings match the whoosh path. Queries with
other parts (phrases, wildcards, date ranges) return None and take the whoosh path.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass

import numpy as np
from whoosh import query as wq
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, _lenfield
from whoosh.util.numeric import byte_to_length

from searchapp.engine.scoring import NewsBM25F

CACHE_POSTINGS = 12_000_000  # postings kept per worker: about 96 MB of ids and frequencies
_BYTE_LENGTHS = np.array([byte_to_length(b) for b in range(256)], dtype=np.float32)


@dataclass
class Postings:
    ids: np.ndarray      # global document numbers, ascending
    freqs: np.ndarray    # term frequency in each document


def _leaf_postings(segment, fieldname: str, btext: bytes) -> tuple[np.ndarray, np.ndarray]:
    """One segment's postings, read a block at a time (deleted documents included)."""
    fmt = segment.schema[fieldname].format
    matcher = segment._terms.matcher(fieldname, btext, fmt)
    ids: list = []
    freqs: list = []
    if hasattr(matcher, "_read_ids"):  # block postings
        while matcher.is_active():
            matcher._read_ids()
            matcher._read_weights()
            ids.extend(matcher._ids)
            freqs.extend(matcher._weights)
            matcher._next_block()
    else:  # short lists stored inline with the term
        while matcher.is_active():
            ids.append(matcher.id())
            freqs.append(matcher.weight())
            matcher.next()
    return np.asarray(ids, dtype=np.int32), np.asarray(freqs, dtype=np.float32)


class FastPath:
    """Per-generation arrays and the evaluator; one instance per open snapshot."""

    def __init__(self, searcher, live: np.ndarray, weighting: NewsBM25F):
        self.searcher = searcher
        self.reader = searcher.reader()
        self.live = live
        self.doc_count = len(live)
        self.weighting = weighting
        self._postings: OrderedDict[tuple[str, bytes], Postings] = OrderedDict()
        self._cached = 0
        self._lengths: dict[str, np.ndarray] = {}

    # -- arrays ------------------------------------------------------------------------------
    def postings(self, fieldname: str, text) -> Postings:
        field = self.reader.schema[fieldname]
        btext = text if isinstance(text, bytes) else field.to_bytes(text)
        key = (fieldname, btext)
        found = self._postings.get(key)
        if found is not None:
            self._postings.move_to_end(key)
            return found
        parts_ids, parts_freqs = [], []
        for segment, base in self.reader.leaf_readers():
            if (fieldname, btext) in segment:
                ids, freqs = _leaf_postings(segment, fieldname, btext)
                parts_ids.append(ids + base)
                parts_freqs.append(freqs)
        postings = Postings(
            np.concatenate(parts_ids) if parts_ids else np.zeros(0, dtype=np.int32),
            np.concatenate(parts_freqs) if parts_freqs else np.zeros(0, dtype=np.float32),
        )
        self._postings[key] = postings
        self._cached += len(postings.ids)
        while self._cached > CACHE_POSTINGS and len(self._postings) > 1:
            _, dropped = self._postings.popitem(last=False)
            self._cached -= len(dropped.ids)
        return postings

    def lengths(self, fieldname: str) -> np.ndarray:
        """Each document's (quantised) length of `fieldname`, as BM25 sees it."""
        if fieldname not in self._lengths:
            parts = []
            for segment, _ in self.reader.leaf_readers():
                column = segment._perdoc._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN)
                count = segment.doc_count_all()
                raw = (np.fromiter((column[i] for i in range(count)), dtype=np.uint8, count=count)
                       if column is not None else np.zeros(count, dtype=np.uint8))
                parts.append(_BYTE_LENGTHS[raw])
            self._lengths[fieldname] = np.concatenate(parts) if parts else np.zeros(0)
        return self._lengths[fieldname]

    # -- evaluation ----------------------------------------------------------------------------
    def evaluate(self, q: wq.Query) -> tuple[np.ndarray, np.ndarray] | None:
        """(match mask, scores) for a query of terms under AND/OR/NOT, else None."""
        try:
            mask, scores = self._eval(q)
        except _Unsupported:
            return None
        return mask & self.live, scores

    def _eval(self, q: wq.Query) -> tuple[np.ndarray, np.ndarray]:
        if isinstance(q, wq.Term):
            return self._term(q)
        if isinstance(q, wq.Every) and not q.fieldname:
            return self.live.copy(), np.zeros(self.doc_count)
        if isinstance(q, wq.Or) and not q.minmatch and not getattr(q, "scale", None):
            mask = np.zeros(self.doc_count, dtype=bool)
            scores = np.zeros(self.doc_count)
            for child in q.subqueries:
                child_mask, child_scores = self._eval(child)
                mask |= child_mask
                scores += child_scores
            return mask, scores * q.boost
        if isinstance(q, wq.And):
            mask = np.ones(self.doc_count, dtype=bool)
            scores = np.zeros(self.doc_count)
            for child in q.subqueries:
                if isinstance(child, wq.Not):
                    mask &= ~self._eval(child.query)[0]
                    continue
                child_mask, child_scores = self._eval(child)
                mask &= child_mask
                scores += child_scores
            return mask, np.where(mask, scores, 0.0) * q.boost
        if isinstance(q, wq.AndNot):
            mask, scores = self._eval(q.a)
            mask = mask & ~self._eval(q.b)[0]
            return mask, np.where(mask, scores, 0.0)
        if isinstance(q, wq.Not):
            mask = ~self._eval(q.query)[0]
            return mask, np.zeros(self.doc_count)
        raise _Unsupported(type(q).__name__)

    def _term(self, q: wq.Term) -> tuple[np.ndarray, np.ndarray]:
        mask = np.zeros(self.doc_count, dtype=bool)
        scores = np.zeros(self.doc_count)
        field = self.reader.schema[q.fieldname]
        try:
            btext = field.to_bytes(q.text)
        except ValueError:
            return mask, scores
        if (q.fieldname, btext) not in self.reader:
            return mask, scores
        postings = self.postings(q.fieldname, btext)
        mask[postings.ids] = True
        if field.scorable:
            w = self.weighting
            b = w._field_B.get(q.fieldname, w.B)
            idf = self.searcher.idf(q.fieldname, q.text)
            average = self.searcher.avg_field_length(q.fieldname) or 1
            lengths = self.lengths(q.fieldname)[postings.ids]
            tf = postings.freqs
            scores[postings.ids] = idf * (tf * (w.K1 + 1)) / (
                tf + w.K1 * ((1 - b) + b * lengths / average)) * q.boost
        else:
            scores[postings.ids] = postings.freqs * q.boost
        return mask, scores


class _Unsupported(Exception):
    pass


def top_documents(scores: np.ndarray, mask: np.ndarray, start: int, end: int
                  ) -> list[tuple[int, float]]:
    """Documents ranked by score (ties: lower docnum first), positions [start, end)."""
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
