"""Author names without the scraping debris that news crawlers leave in them."""

from __future__ import annotations

import re

# Labels scraped from page furniture, never a person's byline.
JUNK = {
    "backgroundurl avatar_large", "story count", "comment count", "popular tags",
    "showtags popular_tags", "condé nast", "opinion writer", "opinion contributor",
    "opinion columnist", "guest writer", "staff", "staff writer", "editorial board",
}
_LEADING_LABEL = re.compile(r"^(?:analysis|opinion|photos?|video|by)\s+", re.IGNORECASE)
_NOT_A_NAME = re.compile(r"[_\d@/]|https?:")
MAX_NAME_WORDS = 5


def clean_authors(names: list[str]) -> list[str]:
    """Distinct, tidied author names; junk entries are dropped."""
    cleaned: dict[str, None] = {}
    for raw in names:
        name = " ".join(raw.strip().strip("\"'“”").split())
        if not name or name.casefold() in JUNK or _NOT_A_NAME.search(name):
            continue
        name = _LEADING_LABEL.sub("", name)
        if not name or name.casefold() in JUNK or len(name.split()) > MAX_NAME_WORDS:
            continue
        cleaned.setdefault(name, None)
    return list(cleaned)
