"""What a search page needs besides results: facet values for autocomplete, similar
articles, and "did you mean" corrections."""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left
from weakref import WeakKeyDictionary

import numpy as np

from searchapp.engine.facets import ValueColumn
from searchapp.engine.types import FacetBucket

SIMILAR_KEY_TERMS = 20
SUGGEST_BELOW_HITS = 3
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


def values_with_prefix(
    column: ValueColumn, live: np.ndarray, prefix: str, size: int
) -> list[FacetBucket]:
    """Values having a word that starts with `prefix` (case- and accent-insensitive),
    most frequent first; an empty prefix lists the most frequent values."""
    wanted = _plain(prefix).strip()
    counts = column.counts(live)
    if wanted:
        index = _PREFIX_INDEXES.get(column)
        if index is None:
            index = _PREFIX_INDEXES[column] = PrefixIndex(column.values)
        candidates = index.matching(wanted)
    else:
        candidates = np.arange(len(column.values))
    candidates = candidates[counts[candidates] > 0]
    order = sorted(candidates.tolist(), key=lambda i: (-int(counts[i]), column.values[i]))
    return [FacetBucket(column.values[i], int(counts[i])) for i in order[:size]]


def similar_docnums(searcher, docnum: int, text: str, limit: int) -> list[tuple[int, float]]:
    """More-like-this over the article's key terms (Bo1 model), itself excluded."""
    results = searcher.more_like(docnum, "text", text=text, top=limit,
                                 numterms=SIMILAR_KEY_TERMS)
    return [(hit.docnum, hit.score) for hit in results if hit.docnum != docnum][:limit]


def suggest_query(searcher, text: str) -> str | None:
    """The query with each unknown word replaced by the closest known word or name.

    Words come from headlines (unstemmed) and people's names; None when nothing changes.
    """
    reader = searcher.reader()
    correctors = [searcher.corrector("title"), searcher.corrector("person_words")]
    analyzer = searcher.schema["text"].analyzer
    changed = False

    def frequency(word: str) -> int:
        return sum(reader.doc_frequency("text", t.text) for t in analyzer(word))

    def replace(match: re.Match) -> str:
        nonlocal changed
        word = match.group(0)
        if word in _OPERATORS or frequency(word) or not list(analyzer(word)):
            return word
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
