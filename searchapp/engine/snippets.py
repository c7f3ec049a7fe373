"""Short HTML-escaped passages with <mark> around the query's terms."""

from __future__ import annotations

import html

from whoosh.highlight import ContextFragmenter, Formatter, get_text, highlight

SNIPPET_CHARS = 240
FRAGMENTS = 2


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


def make_snippet(text: str, terms: frozenset[str], analyzer) -> str:
    """Best passages containing `terms` (analyzed forms), or the lead if none occur."""
    if terms:
        marked = highlight(
            text, terms, analyzer, _FRAGMENTER, _FORMATTER, top=FRAGMENTS
        )
        if marked:
            return " ".join(marked.split())
    return lead(text)
