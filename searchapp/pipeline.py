"""Sources -> ingest -> enrich -> engine: the one path every build and update takes."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

from searchapp.article import Article
from searchapp.engine import BuildStats, Indexer, IndexStore
from searchapp.enrich import enrich_article
from searchapp.ingest import SAMPLE_DIR, IngestReport, read_sources


def enriched(sources: Iterable[Path], report: IngestReport) -> Iterator[Article]:
    """Read and enrich articles lazily, so a large corpus never sits in memory whole."""
    for article in read_sources(sources, report):
        yield enrich_article(article)


def build_index(
    store: IndexStore, sources: list[Path] | None = None, on_article=None
) -> tuple[BuildStats, IngestReport]:
    """Rebuild the index from `sources` (the bundled sample when none are given)."""
    report = IngestReport()
    stats = Indexer(store).rebuild(enriched(sources or [SAMPLE_DIR], report), on_article)
    return stats, report


def add_to_index(
    store: IndexStore, sources: list[Path], on_article=None
) -> tuple[BuildStats, IngestReport]:
    """Upsert the articles of `sources` into the live index by id."""
    report = IngestReport()
    stats = Indexer(store).upsert(enriched(sources, report), on_article)
    return stats, report
