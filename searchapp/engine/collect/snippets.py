"""Short HTML-escaped passages with <mark> around the query's terms.

Only words that can be a surface form of a query term are analysed: a stem minus its
last letter begins its surface forms ("happi" -> "happ" in "happy"), so a substring
search finds the candidates and the analyzer confirms them. Stemming every word of
every result (whoosh's highlighter) cost more than the rest of a search.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import islice

SNIPPET_CHARS = 240
FRAGMENTS = 2
FRAGMENT_CHARS = SNIPPET_CHARS // FRAGMENTS
MAX_CANDIDATES = 200  # words checked per article, the first ones in the text
SCAN_CHARS = 100_000  # passages are looked for in the opening of a very long article
WORD = r"\w+(?:\.?\w+)*"  # the tokenizer's expression (whoosh's RegexTokenizer default)
_WORD = re.compile(WORD)


@dataclass
class _Fragment:
    start: int  # first marked word
    end: int  # end of the last marked word
    marks: list[tuple[int, int]] = field(default_factory=list)
    terms: set[str] = field(default_factory=set)


def lead(text: str, max_chars: int = SNIPPET_CHARS) -> str:
    """The opening of the text, cut at a word boundary, HTML-escaped."""
    text = " ".join(text.split())
    if len(text) > max_chars:
        text = text[:max_chars].rsplit(" ", 1)[0] + " …"
    return html.escape(text, quote=False)


def highlighter(snap) -> Highlighter:
    """The snapshot's Highlighter, made on its first snippet and kept with the snapshot (its
    memo of analysed words is good for one generation's analyzer)."""
    found = snap.derived.get("highlighter")
    if found is None:
        found = snap.derived.setdefault("highlighter",
                                        Highlighter(snap.index.schema["text"].analyzer))
    return found


class Highlighter:
    """Snippets for one index generation, with its text analyzer and a memo of the
    analysed forms of the words it has checked."""

    def __init__(self, analyzer, memo_size: int = 100_000):
        self.analyzer = analyzer
        self.memo_size = memo_size
        self._analyzed: dict[str, tuple[str, ...]] = {}

    def snippet(self, text: str, terms: frozenset[str]) -> str:
        """Best passages containing `terms` (analyzed forms), or the lead if none occur."""
        fragments = self._fragments(text, terms) if terms else []
        if not fragments:
            return lead(text)
        best = _distinct(text, sorted(fragments,
                                      key=lambda f: (-len(f.terms), -len(f.marks), f.start)))
        return " … ".join(_render(text, f) for f in sorted(best[:FRAGMENTS],
                                                           key=lambda f: f.start))

    def _fragments(self, text: str, terms: frozenset[str]) -> list[_Fragment]:
        """Matched words grouped into passages of at most FRAGMENT_CHARS."""
        fragments: list[_Fragment] = []
        for start, end in _candidates(text[:SCAN_CHARS], _prefixes(terms))[:MAX_CANDIDATES]:
            term = next((t for t in self._analyze(text[start:end]) if t in terms), None)
            if term is None:
                continue
            current = fragments[-1] if fragments else None
            if current is None or end - current.start > FRAGMENT_CHARS:
                current = _Fragment(start, end)
                fragments.append(current)
            current.end = end
            current.marks.append((start, end))
            current.terms.add(term)
        return fragments

    def _analyze(self, word: str) -> tuple[str, ...]:
        found = self._analyzed.get(word)
        if found is None:
            if len(self._analyzed) >= self.memo_size:
                self._analyzed.clear()
            found = tuple(t.text for t in self.analyzer(word, mode="query", removestops=False))
            self._analyzed[word] = found
        return found


def _distinct(text: str, fragments: list[_Fragment]) -> list[_Fragment]:
    """The fragments less those repeating a better one's passage word for word: crawled
    pages often carry a photo caption or a pull quote twice, and a snippet showing the
    same words twice has room for half as much."""
    seen: set[str] = set()
    kept = []
    for fragment in fragments:
        # its first marked word and what follows: a repeat reads the same from there on
        passage = " ".join(text[fragment.start:fragment.start + FRAGMENT_CHARS // 3].split())
        if passage not in seen:
            seen.add(passage)
            kept.append(fragment)
    return kept


def _render(text: str, fragment: _Fragment) -> str:
    """The fragment widened evenly to FRAGMENT_CHARS, cut at spaces, marks escaped."""
    spare = max(0, FRAGMENT_CHARS - (fragment.end - fragment.start))
    low = max(0, fragment.start - spare // 2)
    high = min(len(text), fragment.end + spare - (fragment.start - low))
    if low > 0:  # begin and end on whole words
        space = text.find(" ", low, fragment.start)
        low = space + 1 if space >= 0 else fragment.start
    if high < len(text):
        space = text.rfind(" ", fragment.end, high)
        high = space if space >= 0 else fragment.end
    parts, at = [], low
    for start, end in fragment.marks:
        parts.append(html.escape(text[at:start], quote=False))
        parts.append(f"<mark>{html.escape(text[start:end], quote=False)}</mark>")
        at = end
    parts.append(html.escape(text[at:high], quote=False))
    return " ".join("".join(parts).split())


@lru_cache(maxsize=1024)
def _prefixes(terms: frozenset[str]) -> tuple[str, ...]:
    """What a surface form of each term starts with."""
    return tuple({t if len(t) <= 4 else t[:-1] for t in terms})


def _candidates(text: str, prefixes: tuple[str, ...]) -> list[tuple[int, int]]:
    """Spans of the words that start with a prefix, in text order. str.find on the
    lowercased text is about five times faster than a case-insensitive alternation."""
    lowered = text.lower()
    if len(lowered) != len(text):  # a few characters lowercase to two: offsets would drift
        pattern = "|".join(map(re.escape, prefixes))
        matches = re.finditer(rf"\b(?={pattern})" + WORD, text, re.I)
        return [m.span() for m in islice(matches, MAX_CANDIDATES)]
    spans = []
    for prefix in prefixes:  # the first MAX_CANDIDATES of each hold the first overall
        at = lowered.find(prefix)
        found = 0
        while at != -1 and found < MAX_CANDIDATES:
            before = lowered[at - 1] if at else " "
            word = None if before.isalnum() or before == "_" else _WORD.match(text, at)
            if word:
                spans.append(word.span())
                found += 1
            at = lowered.find(prefix, at + 1)
    return sorted(set(spans))
