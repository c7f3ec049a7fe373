"""What a rebuild does to the live index's articles: how many it keeps, removes and adds.

`index build news.csv` then `index build pages/` on one folder used to swap three
articles for three others without a word. Both generations' ids are whoosh's sorted `id`
terms, so one merge of two sorted streams counts them in constant memory, however large
the index (a deleted document's term stays until a merge, so segments with deletions are
checked term by term).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

ID_FIELD = "id"


@dataclass(frozen=True)
class IdChanges:
    """How the articles of a new generation compare with the live one's, by id."""

    kept: int
    removed: int
    added: int

    @property
    def live(self) -> int:
        return self.kept + self.removed

    def describe(self) -> str:
        """"replaces 3 articles with 3: 3 removed, 3 added" """
        return (f"replaces {self.live:,} articles with {self.kept + self.added:,}: "
                f"{self.removed:,} removed, {self.added:,} added, {self.kept:,} kept")


def live_ids(reader) -> Iterator[bytes]:
    """The ids of a whoosh reader's live documents, in sorted order."""
    deletions = reader.has_deletions()
    for term in reader.lexicon(ID_FIELD):
        if deletions and all(reader.is_deleted(doc)
                             for doc in reader.postings(ID_FIELD, term).all_ids()):
            continue
        yield term


def compare_ids(new_reader, live_reader) -> IdChanges:
    """Count the ids both readers hold, only the live one, only the new one."""
    kept = removed = added = 0
    new, live = live_ids(new_reader), live_ids(live_reader)
    a, b = next(new, None), next(live, None)
    while a is not None or b is not None:
        if b is None or (a is not None and a < b):
            added += 1
            a = next(new, None)
        elif a is None or b < a:
            removed += 1
            b = next(live, None)
        else:
            kept += 1
            a, b = next(new, None), next(live, None)
    return IdChanges(kept, removed, added)
