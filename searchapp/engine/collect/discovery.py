"""What a search page needs besides results: facet values for autocomplete, similar
articles, and "did you mean" corrections."""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left
from math import log2
from weakref import WeakKeyDictionary

import numpy as np
from whoosh import query as wq

from searchapp.engine.read.budget import Budget
from searchapp.engine.read.facets import ValueColumn
from searchapp.engine.types import FacetBucket

SIMILAR_KEY_TERMS = 20
SIMILAR_TEXT_CHARS = 50_000  # key terms come from the article's opening, however long it is
SUGGEST_BELOW_HITS = 3
MAX_SUGGEST_WORD_CHARS = 24  # an edit-distance automaton grows with the word
MAX_SUGGESTED_WORDS = 5  # unknown words looked up per query
SUGGEST_TIME_SHARE = 0.5  # suggestions are extras: they stop when half the budget is gone
_WORD = re.compile(r"[^\W\d_]{3,}", re.UNICODE)
_OPERATORS = {"AND", "OR", "NOT", "ANDNOT", "ANDMAYBE", "TO"}


def _plain(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


class PrefixIndex:
    """Every word of every value, sorted, so a prefix is two binary searches."""

    def __init__(self, values: list[str]):
        pairs = sorted(
            (word, i)
            for i, value in enumerate(values)
            for word in {_plain(value), *_plain(value).replace("-", " ").split()}
        )
        self.words = [w for w, _ in pairs]
        self.ids = np.array([i for _, i in pairs], dtype=np.int64)

    def matching(self, prefix: str) -> np.ndarray:
        start = bisect_left(self.words, prefix)
        end = bisect_left(self.words, prefix + "\U0010ffff")
        return np.unique(self.ids[start:end])


_PREFIX_INDEXES: WeakKeyDictionary = WeakKeyDictionary()
_RECENT: list[tuple[list[str], PrefixIndex]] = []  # last few built, for the next snapshots


def _prefix_index(column: ValueColumn) -> PrefixIndex:
    """The column's prefix index; a new snapshot whose values did not change (an add of
    articles about people already known) reuses the previous snapshot's."""
    index = _PREFIX_INDEXES.get(column)
    if index is None:
        index = next((built for values, built in _RECENT if values == column.values), None)
        if index is None:
            index = PrefixIndex(column.values)
            _RECENT.insert(0, (column.values, index))
            del _RECENT[2:]
        _PREFIX_INDEXES[column] = index
    return index


def values_with_prefix(
    column: ValueColumn, live: np.ndarray, prefix: str, size: int
) -> list[FacetBucket]:
    """Values having a word that starts with `prefix` (case- and accent-insensitive),
    most frequent first; an empty prefix lists the most frequent values."""
    wanted = _plain(prefix).strip()
    counts = column.counts(live)
    if wanted:
        candidates = _prefix_index(column).matching(wanted)
    else:
        candidates = np.arange(len(column.values))
    candidates = candidates[counts[candidates] > 0]
    # Most articles first, then by value: ids are in value order (see ValueColumn).
    order = candidates[np.lexsort((candidates, -counts[candidates]))][:size].tolist()
    return [FacetBucket(column.values[i], int(counts[i])) for i in order]


def similar_query(fast, text: str) -> wq.Query:
    """More-like-this: the key terms of a text, each weighted by its importance, as one OR
    query for the vectorised path. The terms are whoosh's `more_like` ones (Bo1 model,
    weights divided by the largest), but with collection frequencies of live documents,
    so that an index after deletes picks the terms a rebuild would."""
    source = fast.source
    field = fast.reader.schema["text"]
    in_text: dict[bytes, float] = {}
    for btext, _, weight, _ in field.index(text[:SIMILAR_TEXT_CHARS]):
        in_text[btext] = in_text.get(btext, 0.0) + weight
    documents = max(source.live_count, 1)
    scored = []
    for btext, weight in in_text.items():
        frequency = source.collection_frequency("text", btext)
        if frequency <= 0:
            continue
        share = frequency / documents
        scored.append((weight * log2((1 + share) / share) + log2(1 + share),
                       btext.decode("utf-8")))
    if not scored:
        return wq.Or([])
    top = max(score for score, _ in scored)
    scored.sort(key=lambda pair: (-pair[0], pair[1]))
    return wq.Or([wq.Term("text", word, boost=score / top)
                  for score, word in scored[:SIMILAR_KEY_TERMS]])


def suggest_query(searcher, text: str, budget: Budget | None = None) -> str | None:
    """The query with each unknown word replaced by the closest known word or name.

    Words come from headlines (unstemmed) and people's names; None when nothing changes.
    Bounded: long words are left alone, at most a few words are looked up, and the
    lookups stop when the request has used half its time.
    """
    reader = searcher.reader()
    correctors = [searcher.corrector("title"), searcher.corrector("person_words")]
    analyzer = searcher.schema["text"].analyzer
    changed = False
    looked_up = 0

    def frequency(word: str) -> int:
        return sum(reader.doc_frequency("text", t.text) for t in analyzer(word))

    def out_of_time() -> bool:
        left = budget.remaining() if budget is not None else None
        return left is not None and left < budget.seconds * SUGGEST_TIME_SHARE

    def replace(match: re.Match) -> str:
        nonlocal changed, looked_up
        word = match.group(0)
        if (len(word) > MAX_SUGGEST_WORD_CHARS or looked_up >= MAX_SUGGESTED_WORDS
                or word in _OPERATORS or out_of_time()):
            return word
        if frequency(word) or not list(analyzer(word)):
            return word
        looked_up += 1
        folded = word.casefold()
        options = {o for c in correctors for o in c.suggest(folded, limit=3, maxdist=2,
                                                                 prefix=1)}
        if not options:
            return word
        # Closest spelling first, then the word more articles use.
        best = min(options, key=lambda o: (edit_distance(folded, o), -frequency(o), o))
        changed = True
        return best.capitalize() if word[:1].isupper() else best

    corrected = _WORD.sub(replace, text)
    return corrected if changed else None


def edit_distance(a: str, b: str) -> int:
    """Levenshtein distance (short words only, so the plain table is fine)."""
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, start=1):
        current = [i]
        for j, cb in enumerate(b, start=1):
            current.append(min(previous[j] + 1, current[j - 1] + 1,
                               previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]
