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
