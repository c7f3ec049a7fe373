"""Sources -> ingest -> enrich -> engine: the one path every build and update takes.

Enrichment (clean text, page debris, people, story signatures) runs on batches in a
process pool (every core) or on a Dask cluster (`searchapp.cluster`), while this process
reads sources and writes the index; people are cached by content hash next to the index,
so a rebuild does not run the model on unchanged articles.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from itertools import chain, islice
from pathlib import Path

from searchapp.article import Article
from searchapp.children import raise_if_interrupted
from searchapp.engine import BuildStats, Indexer, IndexStore
from searchapp.engine.declared import FacetDeclaration
from searchapp.engine.index.indexer import folder_size
from searchapp.enrich.batch import needs_people, people_source
from searchapp.enrich.extractor_version import EXTRACTOR_VERSION
from searchapp.enrich.people_cache import CACHE_NAME, PeopleCache
from searchapp.ingest import SAMPLE_DIR, IngestReport, Layout, read_sources
from searchapp.ingest.jsonl import StreamedRecords
from searchapp.ingest.limits import bounded
from searchapp.ingest.stream import StreamLines
from searchapp.runners import Runner, local_runner

BATCH_SIZE = 64
STREAM_IDLE_SECONDS = 0.2  # a pipe quiet this long ends a batch: its articles are committed
STREAM_BATCH = 500


def default_workers() -> int:
    return max(1, min(len(os.sched_getaffinity(0)), 8))


def _chunks(articles: Iterable[Article], size: int) -> Iterator[list[Article]]:
    iterator = iter(articles)
    while chunk := list(islice(iterator, size)):
        yield chunk


def enriched(
    articles: Iterable[Article],
    cache: PeopleCache,
    workers: int | None = None,
    people: bool = True,
    runner: Runner | None = None,
) -> Iterator[Article]:
    """Articles normalised, with their people and story signatures, in order: batches
    are enriched by `runner` (a local pool of `workers` processes by default), at most
    its `max_in_flight` at a time, while this process reads and writes. The people cache
    is looked up before a batch is sent and filled from what comes back.

    With `people=False` (collections that are not news) people are not extracted.
    """
    chunks = _chunks(articles, BATCH_SIZE)
    first = next(chunks, None)
    second = next(chunks, None) if first is not None else None
    own = runner is None
    if own:
        # input of one batch (an add of a few articles) is enriched here: forking a pool
        # and loading the model and datasketch in it as well cost more than it saves
        runner = local_runner(1 if second is None else (workers or default_workers()))
    pending: deque = deque()

    def finish() -> list[Article]:
        keys, handle = pending.popleft()
        result = runner.result(handle)
        cache.put_many({key: names for key, names in zip(keys, result.extracted, strict=True)
                        if key is not None and names is not None})
        return result.articles

    try:
        for chunk in chain([c for c in (first, second) if c is not None], chunks):
            raise_if_interrupted()
            keys = [cache.key(people_source(a)) if people and needs_people(a) else None
                    for a in chunk]
            found = cache.get_many(k for k in keys if k is not None)
            cached = [found.get(k) if k is not None else None for k in keys]
            pending.append((keys, runner.submit(chunk, cached, people)))
            if len(pending) >= runner.max_in_flight:
                yield from finish()
        while pending:
            yield from finish()
    finally:
        if own:
            runner.close()


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
    cluster: str | None = None,
) -> tuple[BuildStats, IngestReport]:
    """Rebuild the index from `sources` (the bundled sample when none are given).

    Raises BuildRefused (the live index unchanged) when nothing was indexed or the build
    would shrink the live index by more than half without `allow_shrink`; `report`, when
    given, is filled as the sources are read, so a caller can show it either way.
    `declared` facet fields (None: keep the live index's). `cluster`: the address of a
    Dask scheduler whose workers enrich the batches (ClusterUnavailable before any work
    when it cannot take them).
    """
    report = report if report is not None else IngestReport()
    articles = read_sources(sources or [SAMPLE_DIR], report, layout)  # checks paths first
    runner = _cluster(cluster)
    cache = _cache(store)
    try:
        stats = Indexer(store).rebuild(
            enriched(iter(articles), cache, workers, people, runner), on_article,
            allow_shrink, declared, sample=not sources)
    finally:
        cache.close()
        if runner is not None:
            runner.close()
    return stats, report


def _cluster(address: str | None) -> Runner | None:
    if not address:
        return None
    from searchapp.cluster import DaskCluster

    return DaskCluster(address)


def add_to_index(
    store: IndexStore,
    sources: list[Path],
    on_article: Callable[[Article], None] | None = None,
    layout: Layout | None = None,
    workers: int | None = None,
    cluster: str | None = None,
) -> tuple[BuildStats, IngestReport]:
    """Upsert the articles of `sources` into the live index by id (enriched on the Dask
    scheduler at `cluster`'s workers when given)."""
    report = IngestReport()
    articles = read_sources(sources, report, layout)  # checks paths first
    store.current_path()  # no index yet: say so before any work
    runner = _cluster(cluster)
    cache = _cache(store)
    try:
        stats = Indexer(store).upsert(enriched(iter(articles), cache, workers, runner=runner),
                                      on_article)
    finally:
        cache.close()
        if runner is not None:
            runner.close()
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
