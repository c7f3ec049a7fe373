"""The English analyzer for headline and body: whoosh's StemmingAnalyzer, faster.

whoosh runs an analyzer as a chain of generators (tokenizer, lowercase, stop words, stemming),
with a Python-level cache in front of the Porter stemmer; indexing the body spent a quarter
of a writer process's time there (and whoosh's highlighter, before snippets.py replaced it,
half of a query's). This class produces the same tokens, positions, character offsets and
stop-word marks in one loop with a C-level stem cache; the two rare calls it does not cover
(untokenized values, no stemming for spelling words) go through the unchanged whoosh chain.
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
        if not tokenize or no_morph:
            return super().__call__(
                value, positions=positions, chars=chars, keeporiginal=keeporiginal,
                removestops=removestops, start_pos=start_pos, start_char=start_char,
                tokenize=tokenize, mode=mode, no_morph=no_morph, **kwargs)
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        return self._tokens(value, token, positions, chars, keeporiginal, removestops,
                            start_pos, start_char)

    def index_positions(self, value: str) -> dict[str, list[int]]:
        """What indexing needs of a text: each kept word's stem and its positions, numbered
        as `_tokens` numbers them, in order of first occurrence, with no Token objects and
        no generator chain (half of a writer process's time went there)."""
        tokenizer, _, stops, stemmer = self.items
        stop_words, minsize, maxsize = stops.stops, stops.min, stops.max
        ignore = stemmer.ignore
        found: dict[str, list[int]] = {}
        pos = None
        for index, match in enumerate(tokenizer.expression.finditer(value)):
            text = match.group(0).lower()
            if (len(text) < minsize or (maxsize is not None and len(text) > maxsize)
                    or text in stop_words):
                continue
            pos = index if pos is None else pos + 1
            word = text if text in ignore else _stem(text)
            positions = found.get(word)
            if positions is None:
                found[word] = [pos]
            else:
                positions.append(pos)
        return found

    def _tokens(self, value: str, token: Token, positions: bool, chars: bool,
                keeporiginal: bool, removestops: bool, start_pos: int, start_char: int
                ) -> Iterator[Token]:
        tokenizer, _, stops, stemmer = self.items
        stop_words, minsize, maxsize = stops.stops, stops.min, stops.max
        ignore = stemmer.ignore
        pos = None
        for index, match in enumerate(tokenizer.expression.finditer(value)):
            original = match.group(0)
            text = original.lower()
            stopped = (len(text) < minsize or (maxsize is not None and len(text) > maxsize)
                       or text in stop_words)
            if stopped:
                if removestops:
                    continue
                token.text = text  # kept, marked, unstemmed and not renumbered
                if positions:
                    token.pos = start_pos + index
            else:
                token.text = text if text in ignore else _stem(text)
                if positions:  # StopFilter renumbers: the first kept word keeps its place
                    pos = start_pos + index if pos is None else pos + 1
                    token.pos = pos
            token.stopped = stopped
            token.boost = 1.0
            if keeporiginal:
                token.original = original
            if chars:
                token.startchar = start_char + match.start()
                token.endchar = start_char + match.end()
            yield token
