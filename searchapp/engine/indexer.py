"""Write articles into the index: full rebuilds into a new generation, and upserts."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.writing import LockError

from searchapp.article import Article
from searchapp.engine import posting_runs
from searchapp.engine.schema import article_to_document
from searchapp.engine.store import IndexStore

WRITER_MEMORY_MB = 256
# Segments as separate files, not one compound file: whoosh reads a compound file through
# BytesIO(memoryview(mmap)), which copies each part into every serving process (~750 MB
# per worker at 37,554 articles); separate files are read with seeks from the page cache.
SEGMENT_FILES = {"compound": False}
LOCK_WAIT_SECONDS = 30.0


class IndexBusy(RuntimeError):
    """Another process holds the index's writer lock."""


@dataclass
class BuildStats:
    """What a write did, for the command's summary."""

    indexed: int = 0
    replaced: int = 0
    deleted: int = 0
    seconds: float = 0.0
    generation: str = ""
    size_bytes: int = 0
    missing: list[str] = field(default_factory=list)


def folder_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


class Indexer:
    """The only writer of the index; `rebuild` never touches the live generation."""

    def __init__(self, store: IndexStore, memory_mb: float = WRITER_MEMORY_MB):
        self.store = store
        self.memory_mb = memory_mb  # per writer process; beyond it postings spill to runs
        posting_runs.install()

    def rebuild(
        self, articles: Iterable[Article], on_article: Callable[[Article], None] | None = None
    ) -> BuildStats:
        """Index `articles` into a new generation and switch to it atomically.

        If anything fails the new generation is discarded and the old one keeps serving.
        An id seen twice keeps its last record.
        """
        started = time.perf_counter()
        generation = self.store.create_generation()
        stats = BuildStats(generation=generation.name)
        try:
            ix = whoosh_index.open_dir(str(generation))
            writer = ix.writer(
                limitmb=self.memory_mb, procs=2, multisegment=True, **SEGMENT_FILES)
            seen: set[str] = set()
            # whoosh cannot delete a document still buffered in the same writer, so
            # repeated ids are held back and replace the first copy after a commit.
            repeats: dict[str, Article] = {}
            try:
                for article in articles:
                    if article.id in seen:
                        repeats[article.id] = article
                        stats.replaced += 1
                    else:
                        writer.add_document(**article_to_document(article))
                        seen.add(article.id)
                        stats.indexed += 1
                    if on_article:
                        on_article(article)
            except BaseException:
                writer.cancel()
                raise
            if repeats:
                writer.commit()
                writer = ix.writer(limitmb=self.memory_mb, **SEGMENT_FILES)
                for article in repeats.values():
                    writer.update_document(**article_to_document(article))
            writer.commit(optimize=True)
            ix.close()
        except BaseException:
            self.store.discard(generation)
            raise
        self.store.publish(generation)
        stats.seconds = time.perf_counter() - started
        stats.size_bytes = folder_size(generation)
        return stats

    def _writer(self, ix: whoosh_index.Index, wait: float):
        deadline = time.monotonic() + wait
        while True:
            try:
                return ix.writer(limitmb=self.memory_mb, **SEGMENT_FILES)
            except LockError:
                if time.monotonic() >= deadline:
                    raise IndexBusy(
                        "the index is locked by another writer; try again when it finishes"
                    ) from None
                time.sleep(0.2)

    def upsert(
        self,
        articles: Iterable[Article],
        on_article: Callable[[Article], None] | None = None,
        wait: float = LOCK_WAIT_SECONDS,
    ) -> BuildStats:
        """Add or replace articles by id in the live generation."""
        started = time.perf_counter()
        ix = self.store.open_current()
        stats = BuildStats(generation=self.store.current_path().name)
        writer = self._writer(ix, wait)
        try:
            with ix.searcher() as searcher:
                for article in articles:
                    exists = searcher.document_number(id=article.id) is not None
                    writer.update_document(**article_to_document(article))
                    stats.replaced += exists
                    stats.indexed += not exists
                    if on_article:
                        on_article(article)
        except BaseException:
            writer.cancel()
            raise
        writer.commit()
        stats.seconds = time.perf_counter() - started
        stats.size_bytes = folder_size(self.store.current_path())
        return stats

    def delete(self, ids: Iterable[str], wait: float = LOCK_WAIT_SECONDS) -> BuildStats:
        """Remove articles by id from the live generation; unknown ids are listed."""
        started = time.perf_counter()
        ix = self.store.open_current()
        stats = BuildStats(generation=self.store.current_path().name)
        writer = self._writer(ix, wait)
        try:
            for article_id in ids:
                removed = writer.delete_by_term("id", article_id)
                if removed:
                    stats.deleted += removed
                else:
                    stats.missing.append(article_id)
        except BaseException:
            writer.cancel()
            raise
        writer.commit()
        stats.seconds = time.perf_counter() - started
        return stats
