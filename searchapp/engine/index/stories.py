"""Story ids at write time: each article joins the story of an earlier copy of its text.

A rebuild keeps every written article's signature and band keys in memory (about 300
bytes and 16 dictionary entries per article); an `add` also looks the new article's band
keys up in the live index's `story_keys` field and re-signs the few articles found there
from their stored text, so a new copy of a story already indexed gets that story's id. A
story's id is the id of its first copy; an article with no copy is a story of its own.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import numpy as np

from searchapp.enrich.stories import (
    SAME_STORY,
    band_keys,
    from_bytes,
    signature,
    similarity,
    story_text,
)

MAX_CANDIDATES = 50  # a key shared by a site's boilerplate can match thousands

Candidates = Callable[[list[str]], Iterable[tuple[str, str]]]  # keys -> (story, text)


class Stories:
    """Assigns story ids to the articles of one write, in the order they are written."""

    def __init__(self, indexed: Candidates | None = None):
        self._indexed = indexed  # what the live index holds (an add), else nothing
        self._row_of_key: dict[str, int] = {}
        self._signatures: list[np.ndarray] = []
        self._story: list[str] = []

    def assign(self, article_id: str, text: str, signed: bytes | None = None
               ) -> tuple[str, list[str]]:
        """(story id, band keys) of an article about to be written; `signed` is its
        signature when enrichment computed it already (elsewhere, in parallel)."""
        sig = from_bytes(signed) if signed is not None else signature(text)
        if sig is None:
            return article_id, []
        keys = band_keys(sig)
        best, best_similarity = article_id, SAME_STORY
        rows = sorted({self._row_of_key[k] for k in keys if k in self._row_of_key})
        for row in rows[:MAX_CANDIDATES]:
            found = similarity(sig, self._signatures[row])
            if found > best_similarity or (found == best_similarity and best == article_id):
                best, best_similarity = self._story[row], found
        if self._indexed is not None and best == article_id:
            for story, other_text in self._indexed(keys):
                other = signature(other_text)
                found = similarity(sig, other) if other is not None else 0.0
                if found >= best_similarity:
                    best, best_similarity = story, found
        row = len(self._signatures)
        self._signatures.append(sig)
        self._story.append(best)
        for key in keys:
            self._row_of_key.setdefault(key, row)  # the earliest copy answers for its key
        return best, keys


def indexed_candidates(searcher) -> Candidates:
    """Articles of an open whoosh searcher sharing a band key: (story, title + body)."""
    reader = searcher.reader()

    def find(keys: list[str]) -> Iterable[tuple[str, str]]:
        seen: set[int] = set()
        for key in keys:
            if ("story_keys", key) not in reader:
                continue
            for docnum in reader.postings("story_keys", key).all_ids():
                if docnum in seen or reader.is_deleted(docnum):
                    continue
                seen.add(docnum)
                if len(seen) > MAX_CANDIDATES:
                    return
                stored = reader.stored_fields(docnum)
                if stored.get("story"):
                    yield stored["story"], story_text(stored.get("title", ""),
                                                      stored.get("body", ""))
    return find

