"""Vectorised matching and BM25F scoring over whoosh's own posting lists.

whoosh walks postings one document at a time in Python; for a term matching 20,000
articles that costs tens of milliseconds per query. Here each posting list is read once
per index generation, block by block, into NumPy arrays (ids and term frequencies), and
a query made of terms, phrases, wildcards, prefixes, ranges and date ranges combined with
AND/OR/NOT is evaluated and scored with array operations. The scores are whoosh's BM25F
with our idf (`scoring.NewsBM25F`), computed from the same quantised field lengths, so
rankings match the whoosh path (a phrase scores, as in whoosh, the sum of its words' scores
in the articles that hold it). A wildcard, prefix or range scores a constant (its boost),
like Lucene's constant-score rewrite, after expanding within the request's budget; a
`published:` range filters through the day column and adds no score.

Phrases matter most: people's names are searched as phrases, and whoosh checks the word
positions of every candidate article in Python (470 ms for "Donald Trump" at 37,554
articles). Here each word's positions are decoded once per generation and a phrase is a
chain of sorted (article, position) keys, each word within `slop` positions after the last.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from whoosh import query as wq
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, _lenfield
from whoosh.util.numeric import byte_to_length

from searchapp.engine.budget import Budget, expand, is_match_all
from searchapp.engine.published import DayRange
from searchapp.engine.ranges import offsets, range_indices
from searchapp.engine.scoring import NewsBM25F

CACHE_POSTINGS = 12_000_000  # postings kept per worker: about 96 MB of ids and frequencies
BLOCKS_PER_CHECK = 64  # posting blocks read between two looks at the clock
HIGHLIGHT_EXPANSIONS = 50  # expanded words of one pattern that snippets mark
_BYTE_LENGTHS = np.array([byte_to_length(b) for b in range(256)], dtype=np.float32)
_SHIFT = np.int64(1) << 32  # phrase keys: candidate index * 2^32 + position
TEXT_FIELDS = ("text", "title")


@dataclass
class Postings:
    ids: np.ndarray      # global document numbers, ascending
    freqs: np.ndarray    # term frequency in each document


@dataclass
class Positions:
    starts: np.ndarray   # where each posting's positions begin in `values` (one extra at end)
    values: np.ndarray   # word positions, posting after posting


def _leaf_postings(segment, fieldname: str, btext: bytes, check: Callable[[], None]
                   ) -> tuple[np.ndarray, np.ndarray]:
    """One segment's postings, read a block at a time (deleted documents included)."""
    fmt = segment.schema[fieldname].format
    matcher = segment._terms.matcher(fieldname, btext, fmt)
    ids: list = []
    freqs: list = []
    if hasattr(matcher, "_read_ids"):  # block postings
        blocks = 0
        while matcher.is_active():
            matcher._read_ids()
            matcher._read_weights()
            ids.extend(matcher._ids)
            freqs.extend(matcher._weights)
            matcher._next_block()
            blocks += 1
            if blocks % BLOCKS_PER_CHECK == 0:
                check()
    else:  # short lists stored inline with the term
        while matcher.is_active():
            ids.append(matcher.id())
            freqs.append(matcher.weight())
            matcher.next()
    return np.asarray(ids, dtype=np.int32), np.asarray(freqs, dtype=np.float32)


def _leaf_positions(segment, fieldname: str, btext: bytes, check: Callable[[], None]
                    ) -> list[list[int]]:
    """One segment's word positions, posting by posting, in the order of `_leaf_postings`."""
    fmt = segment.schema[fieldname].format
    matcher = segment._terms.matcher(fieldname, btext, fmt)
    values: list = []
    if hasattr(matcher, "_read_values"):  # block postings
        blocks = 0
        while matcher.is_active():
            matcher._read_values()
            values.extend(matcher._values)
            matcher._next_block()
            blocks += 1
            if blocks % BLOCKS_PER_CHECK == 0:
                check()
    else:
        while matcher.is_active():
            values.append(matcher.value())
            matcher.next()
    decoded = []
    for i, value in enumerate(values):
        if i % (BLOCKS_PER_CHECK * 128) == 0:
            check()
        decoded.append(fmt.decode_positions(value))
    return decoded


def _no_check() -> None:
    return None


@dataclass
class Evaluated:
    """Which live documents a query matches, their scores, and the words to highlight."""

    mask: np.ndarray
    scores: np.ndarray
    highlight: frozenset[str] = field(default_factory=frozenset)


class FastPath:
    """Per-generation arrays and the evaluator; one instance per open snapshot."""

    def __init__(self, searcher, columns, weighting: NewsBM25F):
        self.searcher = searcher
        self.reader = searcher.reader()
        self.columns = columns
        self.live = columns.live
        self.doc_count = len(columns.live)
        self.weighting = weighting
        self._postings: OrderedDict[tuple[str, bytes], Postings] = OrderedDict()
        self._positions: OrderedDict[tuple[str, bytes], Positions] = OrderedDict()
        self._cached = 0
        self._lengths: dict[str, np.ndarray] = {}

    # -- arrays ------------------------------------------------------------------------------
    def postings(self, fieldname: str, text, check: Callable[[], None] = _no_check
                 ) -> Postings:
        field_ = self.reader.schema[fieldname]
        btext = text if isinstance(text, bytes) else field_.to_bytes(text)
        key = (fieldname, btext)
        found = self._postings.get(key)
        if found is not None:
            self._postings.move_to_end(key)
            return found
        parts_ids, parts_freqs = [], []
        for segment, base in self.reader.leaf_readers():
            if (fieldname, btext) in segment:
                ids, freqs = _leaf_postings(segment, fieldname, btext, check)
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

    def positions(self, fieldname: str, btext: bytes, check: Callable[[], None] = _no_check
                  ) -> Positions:
        """Word positions of a term, aligned with `postings(fieldname, btext)`."""
        key = (fieldname, btext)
        found = self._positions.get(key)
        if found is not None:
            self._positions.move_to_end(key)
            return found
        lists: list[list[int]] = []
        for segment, _ in self.reader.leaf_readers():
            if key in segment:
                lists.extend(_leaf_positions(segment, fieldname, btext, check))
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
    def evaluate(self, q: wq.Query, budget: Budget | None = None) -> Evaluated | None:
        """Mask, scores and highlight words of a query; None when a part of it is of a kind
        this path does not handle (the caller falls back to whoosh)."""
        run = _Evaluation(self, budget or Budget(None))
        try:
            mask, scores = run.eval(q, positive=True)
        except _Unsupported:
            return None
        return Evaluated(mask & self.live, scores, frozenset(run.highlight))


class _Evaluation:
    """One query's walk over the tree, with its budget and the words it marks."""

    def __init__(self, fast: FastPath, budget: Budget):
        self.fast = fast
        self.budget = budget
        self.n = fast.doc_count
        self.highlight: set[str] = set()

    def _empty(self) -> tuple[np.ndarray, np.ndarray]:
        return np.zeros(self.n, dtype=bool), np.zeros(self.n)

    def eval(self, q: wq.Query, positive: bool) -> tuple[np.ndarray, np.ndarray]:
        self.budget.check_time()
        if isinstance(q, wq.Term):
            return self._term(q, positive)
        if isinstance(q, wq.Phrase):
            return self._phrase(q, positive)
        if isinstance(q, wq.Every):
            return self._every(q), np.zeros(self.n)
        if isinstance(q, DayRange):
            return self.fast.columns.day.range_mask(q.first, q.last), np.zeros(self.n)
        if is_match_all(q):
            return self._every(wq.Every(q.field())), np.zeros(self.n)
        if isinstance(q, wq.MultiTerm):
            return self._expanded(q, positive)
        if isinstance(q, wq.Or) and not q.minmatch and not getattr(q, "scale", None):
            mask, scores = self._empty()
            for child in q.subqueries:
                child_mask, child_scores = self.eval(child, positive)
                mask |= child_mask
                scores += child_scores
            return mask, scores * q.boost
        if isinstance(q, wq.And):
            mask = np.ones(self.n, dtype=bool)
            scores = np.zeros(self.n)
            for child in q.subqueries:
                if isinstance(child, wq.Not):
                    mask &= ~self.eval(child.query, False)[0]
                    continue
                child_mask, child_scores = self.eval(child, positive)
                mask &= child_mask
                scores += child_scores
            return mask, np.where(mask, scores, 0.0) * q.boost
        if isinstance(q, wq.AndNot):
            mask, scores = self.eval(q.a, positive)
            mask = mask & ~self.eval(q.b, False)[0]
            return mask, np.where(mask, scores, 0.0)
        if isinstance(q, wq.AndMaybe):
            mask, scores = self.eval(q.a, positive)
            _, extra = self.eval(q.b, positive)
            return mask, np.where(mask, scores + extra, 0.0)
        if isinstance(q, wq.Not):
            return ~self.eval(q.query, False)[0], np.zeros(self.n)
        if q is wq.NullQuery or type(q).__name__ == "_NullQuery":
            return self._empty()
        raise _Unsupported(type(q).__name__)

    def _mark(self, fieldname: str, text, positive: bool) -> None:
        if positive and fieldname in TEXT_FIELDS:
            self.highlight.add(text.decode("utf-8") if isinstance(text, bytes) else text)

    def _every(self, q: wq.Every) -> np.ndarray:
        """`field:*`: the articles with any value in the field."""
        cols = self.fast.columns
        if q.fieldname in ("outlet", "outlet_words"):
            return cols.outlet.present() & cols.live
        if q.fieldname in ("people", "person_words"):
            return cols.person.present() & cols.live
        if q.fieldname in ("day", "published"):
            return cols.day.range_mask(None, None)
        if q.fieldname in (None, "", "id", *TEXT_FIELDS):
            return cols.live.copy()
        return self._expanded(wq.Prefix(q.fieldname, ""), False)[0]

    def _expanded(self, q: wq.MultiTerm, positive: bool) -> tuple[np.ndarray, np.ndarray]:
        """A wildcard, prefix or range: the union of its words, each match scoring its boost."""
        fieldname = q.field()
        mask, scores = self._empty()
        words = expand(q, self.fast.reader, self.budget)
        for btext in words:
            self.budget.check_time()
            mask[self.fast.postings(fieldname, btext, self.budget.check_time).ids] = True
        for btext in words[:HIGHLIGHT_EXPANSIONS]:
            self._mark(fieldname, btext, positive)
        scores[mask] = q.boost
        return mask, scores

    def _term(self, q: wq.Term, positive: bool) -> tuple[np.ndarray, np.ndarray]:
        mask, scores = self._empty()
        reader = self.fast.reader
        if q.fieldname not in reader.schema:
            return mask, scores
        field_ = reader.schema[q.fieldname]
        try:
            btext = field_.to_bytes(q.text)
        except ValueError:
            return mask, scores
        if (q.fieldname, btext) not in reader:
            return mask, scores
        self._mark(q.fieldname, q.text, positive)
        postings = self.fast.postings(q.fieldname, btext, self.budget.check_time)
        mask[postings.ids] = True
        if field_.scorable:
            w = self.fast.weighting
            b = w._field_B.get(q.fieldname, w.B)
            searcher = self.fast.searcher
            idf = searcher.idf(q.fieldname, q.text)
            average = searcher.avg_field_length(q.fieldname) or 1
            lengths = self.fast.lengths(q.fieldname)[postings.ids]
            tf = postings.freqs
            scores[postings.ids] = idf * (tf * (w.K1 + 1)) / (
                tf + w.K1 * ((1 - b) + b * lengths / average)) * q.boost
        else:
            scores[postings.ids] = postings.freqs * q.boost
        return mask, scores

    def _phrase(self, q: wq.Phrase, positive: bool) -> tuple[np.ndarray, np.ndarray]:
        """Articles holding the words in order, each within `slop` positions after the one
        before (whoosh's SpanNear2, ordered), scored as the sum of the words' scores."""
        mask, scores = self._empty()
        reader = self.fast.reader
        if q.fieldname not in reader.schema or not q.words:
            return mask, scores
        field_ = reader.schema[q.fieldname]
        if not field_.format or not field_.format.supports("positions"):
            return mask, scores  # a field without positions holds no phrase
        if len(q.words) == 1:
            return self._term(wq.Term(q.fieldname, q.words[0], boost=q.boost), positive)
        words = []
        for word in q.words:
            try:
                btext = field_.to_bytes(word)
            except ValueError:
                return mask, scores
            if (q.fieldname, btext) not in reader:
                return mask, scores
            words.append((word, btext))
        candidates = np.ones(self.n, dtype=bool)
        word_scores = np.zeros(self.n)
        for word, _ in words:
            word_mask, word_score = self._term(wq.Term(q.fieldname, word), positive)
            candidates &= word_mask
            word_scores += word_score
        docs = np.flatnonzero(candidates)
        if not len(docs):
            return mask, scores
        slop = max(1, int(q.slop))
        ends = None  # sorted keys of where a partial phrase ends
        for _, btext in words:
            check = self.budget.check_time
            postings = self.fast.postings(q.fieldname, btext, check)
            positions = self.fast.positions(q.fieldname, btext, check)
            rows = np.searchsorted(postings.ids, docs)
            starts = positions.starts[rows]
            counts = positions.starts[rows + 1] - starts
            keys = (np.repeat(np.arange(len(docs), dtype=np.int64), counts) * _SHIFT
                    + positions.values[range_indices(starts, counts)])
            ends = keys if ends is None else _following(ends, keys, slop)
            if not len(ends):
                return mask, scores
        rows = ends // _SHIFT  # sorted, like the keys
        hits = docs[rows[np.r_[True, rows[1:] != rows[:-1]]]]
        mask[hits] = True
        scores[hits] = word_scores[hits] * q.boost
        return mask, scores


def _following(ends: np.ndarray, keys: np.ndarray, slop: int) -> np.ndarray:
    """The keys that come 1 to `slop` positions after some key of `ends` (same article:
    the article sits in the high bits and slop is far below 2^32)."""
    before = np.searchsorted(ends, keys, side="left") - 1
    valid = before >= 0
    gap = keys - ends[np.maximum(before, 0)]
    return keys[valid & (gap <= slop)]


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
