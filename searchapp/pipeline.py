"""Sources -> ingest -> enrich -> engine: the one path every build and update takes.

People extraction is the expensive step: it runs in a process pool (both cores) on
batches, while this process reads sources and writes the index, and its results are
cached by content hash so a rebuild does not run the model on unchanged articles.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace
from itertools import islice
from multiprocessing import get_context
from pathlib import Path

from searchapp.article import Article
from searchapp.children import die_with_parent
from searchapp.engine import BuildStats, Indexer, IndexStore
from searchapp.engine.declared import FacetDeclaration
from searchapp.engine.indexer import folder_size
from searchapp.enrich import normalise_article, people_text
from searchapp.enrich.extractor_version import EXTRACTOR_VERSION
from searchapp.enrich.people_cache import CACHE_NAME, PeopleCache
from searchapp.enrich.people_context import settle_people
from searchapp.ingest import SAMPLE_DIR, IngestReport, Layout, read_sources
from searchapp.ingest.jsonl import StreamedRecords
from searchapp.ingest.limits import bounded
from searchapp.ingest.stream import StreamLines

BATCH_SIZE = 64
STREAM_IDLE_SECONDS = 0.2  # a pipe quiet this long ends a batch: its articles are committed
STREAM_BATCH = 500


def default_workers() -> int:
    return max(1, min(len(os.sched_getaffinity(0)), 8))


def _extract_batch(texts: list[str]) -> list[list[str]]:
    if not texts:
        return []
    from searchapp.enrich.people import extract_people_many  # spaCy: only when needed

    return extract_people_many(texts)


class _Batch:
    """Articles of one batch with the people still to extract for some of them."""

    def __init__(self, articles: list[Article], cache: PeopleCache):
        self.articles = articles
        self.todo: list[tuple[int, str, str]] = []  # (position, cache key, text)
        wanted = {}
        for i, article in enumerate(articles):
            if not article.people:
                text = people_text(article)
                wanted[i] = (cache.key(text), text)
        found = cache.get_many(key for key, _ in wanted.values())
        for i, (key, text) in wanted.items():
            if key in found:
                articles[i] = _with_people(articles[i], text, found[key])
            else:
                self.todo.append((i, key, text))

    def finish(self, people: list[list[str]], cache: PeopleCache) -> list[Article]:
        cache.put_many({key: names for (_, key, _), names in zip(self.todo, people, strict=True)})
        for (i, _, text), names in zip(self.todo, people, strict=True):
            self.articles[i] = _with_people(self.articles[i], text, names)
        return self.articles


def _with_people(article: Article, text: str, extracted: list[str]) -> Article:
    return replace(article, people=settle_people(article, text, extracted))


def enriched(
    articles: Iterable[Article],
    cache: PeopleCache,
    workers: int | None = None,
    people: bool = True,
) -> Iterator[Article]:
    """Normalise articles and fill their people, in order, extracting in parallel.

    With `people=False` (collections that are not news) only normalisation runs.
    """
    if not people:
        yield from (normalise_article(a) for a in articles)
        return
    workers = workers or default_workers()
    batches = (
        _Batch([normalise_article(a) for a in chunk], cache)
        for chunk in iter(lambda: list(islice(articles, BATCH_SIZE)), [])
    )
    if workers == 1:
        for batch in batches:
            yield from batch.finish(_extract_batch([t for _, _, t in batch.todo]), cache)
        return
    with get_context("fork").Pool(workers, initializer=die_with_parent) as pool:
        pending: deque = deque()
        for batch in batches:
            texts = [text for _, _, text in batch.todo]
            pending.append((batch, pool.apply_async(_extract_batch, (texts,))))
            if len(pending) > workers * 2:
                done, result = pending.popleft()
                yield from done.finish(result.get(), cache)
        while pending:
            done, result = pending.popleft()
            yield from done.finish(result.get(), cache)


def _cache(store: IndexStore) -> PeopleCache:
    return PeopleCache(store.root / CACHE_NAME, EXTRACTOR_VERSION)


def build_index(
    store: IndexStore,
    sources: list[Path] | None = None,
    on_article: Callable[[Article], None] | None = None,
    layout: Layout | None = None,
    workers: int | None = None,
    people: bool = True,
    allow_shrink: bool = False,
    report: IngestReport | None = None,
    declared: list[FacetDeclaration] | None = None,
) -> tuple[BuildStats, IngestReport]:
    """Rebuild the index from `sources` (the bundled sample when none are given).

    Raises BuildRefused (the live index unchanged) when nothing was indexed or the build
    would shrink the live index by more than half without `allow_shrink`; `report`, when
    given, is filled as the sources are read, so a caller can show it either way.
    `declared` facet fields (None: keep the live index's).
    """
    report = report if report is not None else IngestReport()
    articles = read_sources(sources or [SAMPLE_DIR], report, layout)  # checks paths first
    cache = _cache(store)
    try:
        stats = Indexer(store).rebuild(
            enriched(iter(articles), cache, workers, people), on_article, allow_shrink,
            declared, sample=not sources)
    finally:
        cache.close()
    return stats, report


def add_to_index(
    store: IndexStore,
    sources: list[Path],
    on_article: Callable[[Article], None] | None = None,
    layout: Layout | None = None,
    workers: int | None = None,
) -> tuple[BuildStats, IngestReport]:
    """Upsert the articles of `sources` into the live index by id."""
    report = IngestReport()
    articles = read_sources(sources, report, layout)  # checks paths first
    store.current_path()  # no index yet: say so before any work
    cache = _cache(store)
    try:
        stats = Indexer(store).upsert(enriched(iter(articles), cache, workers), on_article)
    finally:
        cache.close()
    return stats, report


def add_stream(
    store: IndexStore,
    fd: int,
    on_article: Callable[[Article], None] | None = None,
    layout: Layout | None = None,
    workers: int | None = None,
    idle: float = STREAM_IDLE_SECONDS,
) -> tuple[BuildStats, IngestReport]:
    """Upsert JSON Lines read from a pipe as they arrive: each batch (what came before the
    pipe went quiet for `idle` seconds) is one commit, so a feed's articles are searchable
    at once, and whoosh's merge policy keeps the segments few. People are extracted in
    this process unless `workers` asks for more (a pool per batch costs more than it saves
    on a feed's few articles)."""
    report = IngestReport()
    live = store.current_path()  # no index yet: say so before reading
    records = StreamedRecords("<stdin>", report, layout)
    indexer = Indexer(store)
    total = BuildStats(generation=live.name)
    cache = _cache(store)
    try:
        for lines in StreamLines(fd).batches(idle, STREAM_BATCH):
            articles = [a for a in map(lambda a: bounded(a, report), records.articles(lines))
                        if a is not None]
            if not articles:
                continue
            stats = indexer.upsert(enriched(iter(articles), cache, workers or 1), on_article)
            total.indexed += stats.indexed
            total.replaced += stats.replaced
            total.duplicates += stats.duplicates
            total.seconds += stats.seconds
            total.generation = stats.generation
    finally:
        cache.close()
    total.size_bytes = folder_size(store.current_path())
    return total, report
