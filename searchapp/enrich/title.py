"""Find an article's own headline in text copied from a web page."""

from __future__ import annotations

import re

# Lines that pages print before the headline and that are never a title.
BOILERPLATE = {
    "skip to content",
    "skip to main content",
    "skip to navigation",
    "advertisement",
    "menu",
    "search",
    "sign in",
    "log in",
    "subscribe",
    "breaking news",
    "live",
}
MAX_TITLE_CHARS = 300
_SPACES = re.compile(r"\s+")


def _normal(line: str) -> str:
    return _SPACES.sub(" ", line).strip()


def _comparable(line: str) -> str:
    """Lines that differ only in quote style or case are the same headline."""
    return re.sub(r"[‘’'“”\"]", "'", _normal(line)).casefold()


def split_headline(text: str) -> tuple[str, str]:
    """Return (headline, body without the headline and its repeats).

    The headline is the first non-boilerplate line; a copy printed right after it is
    dropped. Text whose first real line is paragraph-long has no headline: ("", text).
    """
    lines = text.splitlines()
    index = 0
    while index < len(lines):
        line = _normal(lines[index])
        if line and line.casefold().rstrip(".:") not in BOILERPLATE:
            break
        index += 1
    if index == len(lines):
        return "", text.strip()
    headline = _normal(lines[index])
    if len(headline) > MAX_TITLE_CHARS:
        return "", "\n".join(lines[index:]).strip()
    index += 1
    while index < len(lines) and (
        not lines[index].strip() or _comparable(lines[index]) == _comparable(headline)
    ):
        index += 1
    return headline, "\n".join(lines[index:]).strip()
