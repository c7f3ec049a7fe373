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

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from whoosh import query as wq

from searchapp.engine import whoosh_compat
from searchapp.engine.capture import CapturedFrequency
from searchapp.engine.read.budget import Budget, expand, is_match_all
from searchapp.engine.read.postings import Postings, PostingSource
from searchapp.engine.read.published import DayRange
from searchapp.engine.read.scoring import NewsBM25F, robertson_idf

HIGHLIGHT_EXPANSIONS = 50  # expanded words of one pattern that snippets mark
_SHIFT = np.int64(1) << 32  # phrase keys: candidate index * 2^32 + position
TEXT_FIELDS = ("text", "title")


@dataclass
class Evaluated:
    """Which live documents a query matches, their scores, and the words to highlight."""

    mask: np.ndarray
    scores: np.ndarray
    highlight: frozenset[str] = field(default_factory=frozenset)


class FastPath:
    """The evaluator over one snapshot's postings; one instance per open snapshot."""

    def __init__(self, searcher, columns, weighting: NewsBM25F, source: PostingSource):
        self.searcher = searcher
        self.reader = searcher.reader()
        self.columns = columns
        self.live = columns.live
        self.doc_count = len(columns.live)
        self.weighting = weighting
        self.source = source

    def postings(self, fieldname: str, text, check: Callable[[], None] | None = None):
        field_ = self.reader.schema[fieldname]
        btext = text if isinstance(text, bytes) else field_.to_bytes(text)
        return self.source.postings(fieldname, btext, *(check,) if check else ())

    def idf(self, postings: Postings) -> float:
        """The Robertson idf of a word over the live documents."""
        documents, _ = self.source.live_frequency(postings)
        return robertson_idf(self.source.live_count, documents)

    def saturation(self, fieldname: str, docs: np.ndarray) -> np.ndarray:
        """BM25's K for each of `docs`: k1 * (1 - b + b * length / average length)."""
        w = self.weighting
        b = whoosh_compat.field_b(w, fieldname)
        average = self.source.average_length(
            fieldname, lambda: self.searcher.avg_field_length(fieldname))
        return w.K1 * ((1 - b) + b * self.source.lengths(fieldname)[docs] / average)

    def bm25(self, fieldname: str, postings: Postings) -> np.ndarray:
        """BM25 of one word in each document of its posting list (in `postings.ids` order)."""
        tf = postings.freqs
        return self.idf(postings) * (tf * (self.weighting.K1 + 1)) / (
            tf + self.saturation(fieldname, postings.ids))

    def evaluate(self, q: wq.Query, budget: Budget | None = None,
                 only_field: str | None = None) -> Evaluated | None:
        """Mask, scores and highlight words of a query; None when a part of it is of a kind
        this path does not handle (the caller falls back to whoosh). With `only_field`, the
        mask is the same but only that field's words score: scores add up over fields, which
        is how `explain` splits a score."""
        run = _Evaluation(self, budget or Budget(None), only_field)
        try:
            mask, scores = run.eval(q, positive=True)
        except _Unsupported:
            return None
        return Evaluated(mask & self.live, scores, frozenset(run.highlight))


class _Evaluation:
    """One query's walk over the tree, with its budget and the words it marks."""

    def __init__(self, fast: FastPath, budget: Budget, only_field: str | None = None):
        self.fast = fast
        self.budget = budget
        self.only_field = only_field
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
        if whoosh_compat.is_null_query(q):
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
            mask[self.fast.source.postings(fieldname, btext, self.budget.check_time).ids] = True
        for btext in words[:HIGHLIGHT_EXPANSIONS]:
            self._mark(fieldname, btext, positive)
        if self._scores(fieldname):
            scores[mask] = q.boost
        return mask, scores

    def _scores(self, fieldname: str) -> bool:
        return self.only_field is None or fieldname == self.only_field

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
        source = self.fast.source
        postings = source.postings(q.fieldname, btext, self.budget.check_time)
        mask[postings.ids] = True
        if self._scores(q.fieldname):
            scores[postings.ids] = q.boost * (
                self.fast.bm25(q.fieldname, postings) if field_.scorable else postings.freqs)
        return mask, scores

    def _phrase(self, q: wq.Phrase, positive: bool) -> tuple[np.ndarray, np.ndarray]:
        """Articles holding the words in order, each within `slop` positions after the one
        before (whoosh's SpanNear2, ordered), scored as the sum of the words' scores."""
        mask, scores = self._empty()
        reader = self.fast.reader
        if q.fieldname not in reader.schema or not q.words:
            return mask, scores
        field_ = reader.schema[q.fieldname]
        if not field_.format or not (field_.format.supports("positions")
                                     or isinstance(field_.format, CapturedFrequency)):
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
            counts, values = self.fast.source.positions_for(q.fieldname, btext, docs,
                                                            self.budget.check_time)
            keys = np.repeat(np.arange(len(docs), dtype=np.int64), counts) * _SHIFT + values
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
