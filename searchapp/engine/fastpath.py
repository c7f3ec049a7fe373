"""Vectorised matching and BM25F scoring over whoosh's own posting lists.

whoosh walks postings one document at a time in Python; for a term matching 20,000
articles that costs tens of milliseconds per query. Here each posting list is read once
per index generation, block by block, into NumPy arrays (ids and term frequencies), and
a query made of terms and exact phrases combined with AND/OR/NOT is evaluated and scored
with array operations. The scores are whoosh's BM25F with our idf (`scoring.NewsBM25F`),
computed from the same quantised field lengths, so rankings match the whoosh path (a phrase
scores, as in whoosh, the sum of its words' scores in the articles that hold it). Queries
with other parts (sloppy phrases, wildcards, date ranges) return None and take the whoosh
path.

Phrases matter most: people's names are searched as phrases, and whoosh checks the word
positions of every candidate article in Python (470 ms for "Donald Trump" at 37,554
articles). Here each word's positions are decoded once per generation and a phrase is a
set intersection of (article, position - offset) keys.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass

import numpy as np
from whoosh import query as wq
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, _lenfield
from whoosh.util.numeric import byte_to_length

from searchapp.engine.ranges import offsets, range_indices
from searchapp.engine.scoring import NewsBM25F

CACHE_POSTINGS = 12_000_000  # postings kept per worker: about 96 MB of ids and frequencies
_BYTE_LENGTHS = np.array([byte_to_length(b) for b in range(256)], dtype=np.float32)


@dataclass
class Postings:
    ids: np.ndarray      # global document numbers, ascending
    freqs: np.ndarray    # term frequency in each document


@dataclass
class Positions:
    starts: np.ndarray   # where each posting's positions begin in `values` (one extra at end)
    values: np.ndarray   # word positions, posting after posting


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


def _leaf_positions(segment, fieldname: str, btext: bytes) -> list[list[int]]:
    """One segment's word positions, posting by posting, in the order of `_leaf_postings`."""
    fmt = segment.schema[fieldname].format
    matcher = segment._terms.matcher(fieldname, btext, fmt)
    values: list = []
    if hasattr(matcher, "_read_values"):  # block postings
        while matcher.is_active():
            matcher._read_values()
            values.extend(matcher._values)
            matcher._next_block()
    else:
        while matcher.is_active():
            values.append(matcher.value())
            matcher.next()
    return [fmt.decode_positions(value) for value in values]


class FastPath:
    """Per-generation arrays and the evaluator; one instance per open snapshot."""

    def __init__(self, searcher, live: np.ndarray, weighting: NewsBM25F):
        self.searcher = searcher
        self.reader = searcher.reader()
        self.live = live
        self.doc_count = len(live)
        self.weighting = weighting
        self._postings: OrderedDict[tuple[str, bytes], Postings] = OrderedDict()
        self._positions: OrderedDict[tuple[str, bytes], Positions] = OrderedDict()
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
        self._trim_cache()
        return postings

    def positions(self, fieldname: str, btext: bytes) -> Positions:
        """Word positions of a term, aligned with `postings(fieldname, btext)`."""
        key = (fieldname, btext)
        found = self._positions.get(key)
        if found is not None:
            self._positions.move_to_end(key)
            return found
        lists: list[list[int]] = []
        for segment, _ in self.reader.leaf_readers():
            if key in segment:
                lists.extend(_leaf_positions(segment, fieldname, btext))
        counts = np.fromiter((len(p) for p in lists), dtype=np.int64, count=len(lists))
        positions = Positions(
            offsets(counts),
            np.fromiter((n for p in lists for n in p), dtype=np.int64, count=int(counts.sum())),
        )
        self._positions[key] = positions
        self._cached += len(positions.values)
        self._trim_cache()
        return positions

    def _trim_cache(self) -> None:
        """Drop the least recently used arrays beyond the budget (the newest always stays)."""
        while self._cached > CACHE_POSTINGS:
            if len(self._positions) > (0 if len(self._postings) > 1 else 1):
                _, dropped = self._positions.popitem(last=False)
                self._cached -= len(dropped.values)
            elif len(self._postings) > 1:
                _, dropped_postings = self._postings.popitem(last=False)
                self._cached -= len(dropped_postings.ids)
            else:
                break

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
        if isinstance(q, wq.Phrase) and q.slop == 1 and len(q.words) > 1:
            return self._phrase(q)
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

    def _phrase(self, q: wq.Phrase) -> tuple[np.ndarray, np.ndarray]:
        """Articles holding the words at consecutive positions; whoosh's SpanNear2 with
        slop 1, scored as the sum of the words' scores (an intersection matcher's)."""
        mask = np.zeros(self.doc_count, dtype=bool)
        scores = np.zeros(self.doc_count)
        if q.fieldname not in self.reader.schema:
            return mask, scores
        field = self.reader.schema[q.fieldname]
        if not field.format or not field.format.supports("positions"):
            raise _Unsupported("phrase on a field without positions")
        words = []
        for word in q.words:
            try:
                btext = field.to_bytes(word)
            except ValueError:
                return mask, scores
            if (q.fieldname, btext) not in self.reader:
                return mask, scores
            words.append((word, btext))
        candidates = np.ones(self.doc_count, dtype=bool)
        word_scores = np.zeros(self.doc_count)
        for word, _ in words:
            word_mask, word_score = self._term(wq.Term(q.fieldname, word))
            candidates &= word_mask
            word_scores += word_score
        docs = np.flatnonzero(candidates)
        if not len(docs):
            return mask, scores
        shift = np.int64(1) << 32  # keys: candidate index * 2^32 + position + words - offset
        matched = None
        for offset, (_, btext) in enumerate(words):
            postings = self.postings(q.fieldname, btext)
            positions = self.positions(q.fieldname, btext)
            rows = np.searchsorted(postings.ids, docs)
            starts = positions.starts[rows]
            counts = positions.starts[rows + 1] - starts
            keys = (np.repeat(np.arange(len(docs), dtype=np.int64), counts) * shift
                    + positions.values[range_indices(starts, counts)] + (len(words) - offset))
            matched = keys if matched is None else _sorted_intersection(matched, keys)
            if not len(matched):
                return mask, scores
        rows = matched // shift  # sorted, like the keys
        hits = docs[rows[np.r_[True, rows[1:] != rows[:-1]]]]
        mask[hits] = True
        scores[hits] = word_scores[hits] * q.boost
        return mask, scores


def _sorted_intersection(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Values in both sorted, duplicate-free arrays: a binary search of the shorter in the
    longer, cheaper than np.intersect1d's sort or hash of both."""
    if len(a) > len(b):
        a, b = b, a
    found = np.searchsorted(b, a)
    found[found == len(b)] = 0
    return a[b[found] == a]


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
