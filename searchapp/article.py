"""The one record type that flows from ingest through enrich into the engine."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date


@dataclass
class Article:
    """A news article as the index sees it; every source format is read into this."""

    id: str
    title: str
    body: str
    outlet: str = ""
    published: date | None = None
    authors: list[str] = field(default_factory=list)
    people: list[str] = field(default_factory=list)
    url: str = ""
    source: str = ""
    # The record's other keys as lists of text (`topic`, `bias_text`...): what a declared
    # facet field reads (engine/declared.py). Keys of other types are left out.
    extra: dict[str, list[str]] = field(default_factory=dict)
    # The MinHash of its text for story clusters (enrich/stories.py), computed where it is
    # enriched (a pool or cluster worker) so the writer only compares; None: not yet.
    story_signature: bytes | None = None
