"""BM25F with the Robertson/Lucene idf, the ranking behind relevance sort.

whoosh's stock BM25F uses idf = log(N / (df + 1)) + 1, which gives very common words
nearly the weight of rare ones; on Cranfield and CISI that costs several points of
nDCG@10 against SQLite FTS5 and tantivy (see bench/relevance.py).
"""

from __future__ import annotations

from math import log

from whoosh.scoring import BM25F

B = 0.75
K1 = 1.2


def robertson_idf(documents: int, frequency: int) -> float:
    """ln(1 + (N - df + 0.5) / (df + 0.5)): always positive, unlike whoosh's default."""
    return log(1 + (documents - frequency + 0.5) / (frequency + 0.5))


class NewsBM25F(BM25F):
    """BM25F with the Robertson idf (whoosh's own scoring path, e.g. its fallback)."""

    def __init__(self, b: float = B, k1: float = K1, **field_b: float):
        super().__init__(B=b, K1=k1, **field_b)

    def idf(self, searcher, fieldname, text):
        return robertson_idf(searcher.doc_count(), searcher.doc_frequency(fieldname, text))


def weighting() -> NewsBM25F:
    return NewsBM25F()
