"""Short HTML-escaped passages with <mark> around the query's terms."""

from __future__ import annotations

import html

from whoosh.highlight import ContextFragmenter, Formatter, get_text, highlight

SNIPPET_CHARS = 240
FRAGMENTS = 2
MAX_PASSAGES = 3
PASSAGE_CHARS = 1200


class MarkFormatter(Formatter):
    """Escapes the text and wraps matched terms in <mark>, the tag a page styles."""

    between = " … "

    def _text(self, text: str) -> str:
        return html.escape(text, quote=False)

    def format_token(self, text, token, replace=False):
        return f"<mark>{self._text(get_text(text, token, replace))}</mark>"


_FORMATTER = MarkFormatter()
_FRAGMENTER = ContextFragmenter(maxchars=SNIPPET_CHARS // FRAGMENTS + 40, surround=50)


def lead(text: str, max_chars: int = SNIPPET_CHARS) -> str:
    """The opening of the text, cut at a word boundary, HTML-escaped."""
    text = " ".join(text.split())
    if len(text) > max_chars:
        text = text[:max_chars].rsplit(" ", 1)[0] + " …"
    return html.escape(text, quote=False)


def candidate_passages(text: str, terms: frozenset[str]) -> str:
    """Only the paragraphs that can contain a term, so highlighting (which stems every
    word it reads) stays cheap on long articles. A stem minus its last letter is a
    prefix of its surface forms ("happi" -> "happ" in "happy"), so a plain substring
    test finds the candidates."""
    prefixes = [t if len(t) <= 4 else t[:-1] for t in terms]
    chosen = []
    for paragraph in text.split("\n"):
        folded = paragraph.casefold()
        if any(p in folded for p in prefixes):
            chosen.append(paragraph[:PASSAGE_CHARS])
            if len(chosen) == MAX_PASSAGES:
                break
    return "\n".join(chosen)


def make_snippet(text: str, terms: frozenset[str], analyzer) -> str:
    """Best passages containing `terms` (analyzed forms), or the lead if none occur."""
    passages = candidate_passages(text, terms) if terms else ""
    if passages:
        marked = highlight(
            passages, terms, analyzer, _FRAGMENTER, _FORMATTER, top=FRAGMENTS
        )
        if marked:
            return " ".join(marked.split())
    return lead(text)
