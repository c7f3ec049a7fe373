"""The English analyzer for headline and body: whoosh's StemmingAnalyzer, faster to index with.

whoosh runs an analyzer as a chain of generators (tokenizer, lowercase, stop words, stemming),
with a Python-level cache in front of the Porter stemmer; indexing the body spends a quarter
of a writer process's time there. For the calls indexing and query parsing make, this class
produces the same tokens with the same positions in one loop, with a C-level stem cache; any
other call (character offsets for highlighting, kept stop words, no stemming for spelling)
goes through the unchanged whoosh chain.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache

from whoosh.analysis import (
    CompositeAnalyzer,
    LowercaseFilter,
    RegexTokenizer,
    StemFilter,
    StopFilter,
    Token,
)
from whoosh.lang.porter import stem

_stem = lru_cache(maxsize=100_000)(stem)


class EnglishAnalyzer(CompositeAnalyzer):
    """Words, lowercased, English stop words removed, Porter-stemmed (= StemmingAnalyzer())."""

    def __init__(self) -> None:
        super().__init__(RegexTokenizer(), LowercaseFilter(), StopFilter(), StemFilter())

    def __call__(self, value, positions=False, chars=False, keeporiginal=False,
                 removestops=True, start_pos=0, start_char=0, tokenize=True, mode="",
                 no_morph=False, **kwargs):
        if chars or keeporiginal or not removestops or not tokenize or no_morph:
            return super().__call__(
                value, positions=positions, chars=chars, keeporiginal=keeporiginal,
                removestops=removestops, start_pos=start_pos, start_char=start_char,
                tokenize=tokenize, mode=mode, no_morph=no_morph, **kwargs)
        return self._tokens(value, positions, start_pos, Token(
            positions, chars, removestops=removestops, mode=mode, **kwargs))

    def _tokens(self, value: str, positions: bool, start_pos: int, token: Token
                ) -> Iterator[Token]:
        tokenizer, _, stops, stemmer = self.items
        stop_words, minsize, maxsize = stops.stops, stops.min, stops.max
        ignore = stemmer.ignore
        pos = None
        for index, match in enumerate(tokenizer.expression.finditer(value)):
            text = match.group(0).lower()
            if (len(text) < minsize or (maxsize is not None and len(text) > maxsize)
                    or text in stop_words):
                continue
            token.text = text if text in ignore else _stem(text)
            token.boost = 1.0
            token.stopped = False
            if positions:  # StopFilter renumbers: the first kept word keeps its position
                pos = start_pos + index if pos is None else pos + 1
                token.pos = pos
            yield token
