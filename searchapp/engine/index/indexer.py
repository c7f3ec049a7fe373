"""Write articles into the index: full rebuilds into a new generation, and upserts.

Every write to one index root is serialised by the store's write lock. A rebuild also holds
the rebuild lock from start to end; adds and deletes committed meanwhile are journaled and
replayed into the new generation before it goes live, so none is lost to the switch. A
rebuild that indexes nothing, far fewer articles than the live index holds, or that would
remove most of the live articles (other sources than the live index's), is refused and the
live generation keeps serving.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.writing import LockError

from searchapp.article import Article
from searchapp.engine import whoosh_compat
from searchapp.engine.declared import FacetDeclaration, declarations
from searchapp.engine.errors import BuildRefused, IndexBusy, IndexUnavailable
from searchapp.engine.index import posting_runs
from searchapp.engine.index.id_changes import IdChanges, compare_ids
from searchapp.engine.index.journal import Journal
from searchapp.engine.index.segment_writer import FastMpWriter, FastSegmentWriter
from searchapp.engine.index.stories import Stories, indexed_candidates
from searchapp.engine.schema import article_to_document
from searchapp.engine.store import IndexStore
from searchapp.enrich.stories import story_text

WRITER_MEMORY_MB = 256
# Segments as separate files, not one compound file: whoosh reads a compound file through
# BytesIO(memoryview(mmap)), which copies each part into every serving process (~750 MB
# per worker at 37,554 articles); separate files are read with seeks from the page cache.
SEGMENT_FILES = {"compound": False}
LOCK_WAIT_SECONDS = 30.0
UPSERT_BATCH = 500  # articles per commit of an add: enrichment runs outside the lock
# Articles per writer commit of a rebuild: each writer process builds its segment's arrays
# in memory (segment_writer.py), so segments are capped (about 1 GB per process at this size).
REBUILD_SEGMENT_DOCS = 200_000
# A rebuild that would leave fewer than this share of the live index's articles is
# refused unless asked for: a mistyped path or a forgotten --map usually reads a few.
SHRINK_RATIO = 0.5
# A rebuild that would remove more than this share of the live articles (sources other than
# the live index's: `build news.csv`, then `build pages/`) is refused unless asked for.
REMOVE_RATIO = 0.5

__all__ = ["BuildStats", "Indexer", "IndexBusy"]


@dataclass
class BuildStats:
    """What a write did, for the command's summary."""

    indexed: int = 0
    replaced: int = 0  # an add's articles whose id the index had; a rebuild's repeated ids
    duplicates: int = 0  # an add's records whose id an earlier record of the add had
    deleted: int = 0
    replayed: int = 0
    seconds: float = 0.0
    generation: str = ""
    size_bytes: int = 0
    missing: list[str] = field(default_factory=list)
    changes: IdChanges | None = None  # a rebuild against the live index (None: there was none)


def folder_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def _commit(writer, ix) -> None:
    """Commit, or leave the index as it was: a commit that fails half-way (a merge that
    cannot carry a segment's arrays) must still release whoosh's lock."""
    try:
        writer.commit()
    except BaseException:
        try:
            writer.cancel()
        except Exception:  # already closed by the failure
            pass
        ix.close()
        raise


def _story(stories: Stories | None, article: Article) -> tuple[str, list[str]] | None:
    """The article's story id and band keys, for an index with story clusters."""
    if stories is None:
        return None
    return stories.assign(article.id, story_text(article.title, article.body),
                          article.story_signature)


def _batches(items: Iterable, size: int) -> Iterator[list]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


class Indexer:
    """The only writer of the index; `rebuild` never touches the live generation."""

    def __init__(self, store: IndexStore, memory_mb: float = WRITER_MEMORY_MB,
                 lock_wait: float = LOCK_WAIT_SECONDS,
                 segment_docs: int = REBUILD_SEGMENT_DOCS):
        self.store = store
        self.memory_mb = memory_mb  # per writer process; beyond it postings spill to runs
        self.lock_wait = lock_wait
        self.segment_docs = segment_docs
        self.journal = Journal(store.root)
        whoosh_compat.install_writer_patches(FastSegmentWriter, posting_runs.write_run,
                                             posting_runs.read_run)

    # -- rebuilds --------------------------------------------------------------------------
    def rebuild(
        self,
        articles: Iterable[Article],
        on_article: Callable[[Article], None] | None = None,
        allow_shrink: bool = False,
        declared: list[FacetDeclaration] | None = None,
        sample: bool = False,
    ) -> BuildStats:
        """Index `articles` into a new generation and switch to it atomically.

        If anything fails, or the build is refused, the new generation is discarded and
        the old one keeps serving. An id seen twice keeps its last record. `declared` facet
        fields (None: those of the live index, so a plain rebuild keeps them).
        `allow_shrink`: switch even to far fewer articles, or to other articles than the
        live ones (the CLI's --allow-shrink and --replace); a live index that holds the
        bundled sample may always be replaced. `sample`: these articles are the sample.
        """
        started = time.perf_counter()
        self.store.claim_rebuild(self.lock_wait)
        try:
            with self.store.writing(self.lock_wait):
                self.journal.clear()
            self.store.prune()  # leftovers of builds that crashed or were killed
            if declared is None:
                declared = self.live_declarations()
            generation = self.store.create_generation(declared)
            stats = BuildStats(generation=generation.name)
            try:
                repeats, stories = self._write_all(generation, articles, on_article, stats)
                # Wait for adds in progress however long they take: giving up here
                # would throw the whole build away.
                with self.store.writing(None):
                    stats.replayed = self._finish(generation, repeats, stories)
                    documents = self._doc_count(generation)
                    stats.changes = self._changes(generation)
                    self._check_size(documents, allow_shrink or self.store.live_is_sample(),
                                     stats.changes)
                    self.store.mark_complete(generation, documents, sample)
                    self.store.publish(generation)
                    self.journal.clear()
            except BaseException:
                self.store.discard(generation)
                raise
        finally:
            self.store.end_rebuild()
        stats.seconds = time.perf_counter() - started
        stats.size_bytes = folder_size(generation)
        return stats

    def _write_all(self, generation: Path, articles: Iterable[Article],
                   on_article: Callable[[Article], None] | None,
                   stats: BuildStats) -> tuple[dict[str, Article], Stories | None]:
        ix = whoosh_index.open_dir(str(generation))

        def new_writer() -> FastMpWriter:
            return FastMpWriter(ix, procs=2, multisegment=True, limitmb=self.memory_mb,
                                **SEGMENT_FILES)

        writer = new_writer()
        declared = declarations(ix.schema)
        stories = Stories() if "story" in ix.schema else None
        in_writer = 0
        seen: set[str] = set()
        # whoosh cannot delete a document still buffered in the same writer, so repeated
        # ids are held back and replace the first copy after the commit.
        repeats: dict[str, Article] = {}
        try:
            for article in articles:
                if article.id in seen:
                    repeats[article.id] = article
                    stats.duplicates += 1
                else:
                    writer.add_document(**article_to_document(
                        article, declared, _story(stories, article)))
                    seen.add(article.id)
                    stats.indexed += 1
                    in_writer += 1
                if on_article:
                    on_article(article)
                if in_writer >= self.segment_docs:
                    writer.commit(merge=False)
                    writer, in_writer = new_writer(), 0
        except BaseException:
            writer.cancel()
            ix.close()
            raise
        writer.commit(merge=False)
        written = ix.doc_count()
        ix.close()
        if written != stats.indexed:  # a writer subprocess died: whoosh would not say
            raise RuntimeError(f"the index holds {written} of the {stats.indexed} articles "
                               "written (a writer process failed); nothing was switched")
        return repeats, stories

    def _finish(self, generation: Path, repeats: dict[str, Article],
                stories: Stories | None) -> int:
        """Apply repeated ids, then the changes journaled during the build; their count."""
        entries = list(self.journal.entries())
        if not repeats and not entries:
            return 0
        ix = whoosh_index.open_dir(str(generation))
        writer = FastSegmentWriter(ix, limitmb=self.memory_mb, **SEGMENT_FILES)
        declared = declarations(ix.schema)
        try:
            for article in repeats.values():
                writer.update_document(**article_to_document(
                    article, declared, _story(stories, article)))
            for op, payload in entries:
                if op == "upsert":
                    writer.update_document(**article_to_document(
                        payload, declared, _story(stories, payload)))
                else:
                    for article_id in payload:
                        writer.delete_by_term("id", article_id)
        except BaseException:
            writer.cancel()
            ix.close()
            raise
        _commit(writer, ix)
        ix.close()
        return len(entries)

    @staticmethod
    def _doc_count(generation: Path) -> int:
        ix = whoosh_index.open_dir(str(generation))
        try:
            return ix.doc_count()
        finally:
            ix.close()

    def live_declarations(self) -> list[FacetDeclaration]:
        """The facet fields the live index declares (none when there is no live index)."""
        try:
            ix = self.store.open_current()
        except IndexUnavailable:
            return []
        try:
            return declarations(ix.schema)
        finally:
            ix.close()

    def _changes(self, generation: Path) -> IdChanges | None:
        """The new generation's ids against the live one's (None: no live index)."""
        try:
            live = self.store.open_current()
        except IndexUnavailable:
            return None
        new = whoosh_index.open_dir(str(generation))
        try:
            with new.reader() as new_reader, live.reader() as live_reader:
                return compare_ids(new_reader, live_reader)
        finally:
            new.close()
            live.close()

    @staticmethod
    def _check_size(documents: int, allow_shrink: bool, changes: IdChanges | None) -> None:
        if documents == 0:
            raise BuildRefused("the build indexed no articles; the live index is unchanged")
        if changes is None or not changes.live or allow_shrink:
            return
        live = changes.live
        if documents < live * SHRINK_RATIO:
            raise BuildRefused(
                f"the build has {documents:,} articles, the live index {live:,}: refusing to "
                "shrink it by more than half (pass --allow-shrink if that is what you want); "
                "the live index is unchanged")
        if changes.removed > live * REMOVE_RATIO:
            raise BuildRefused(
                f"the build {changes.describe()}: refusing to remove most of the live "
                "index's articles (pass --replace if the new sources are meant to replace "
                "them, or add them with `searchapp index add`); the live index is unchanged")

    # -- updates of the live generation ----------------------------------------------------
    def _writer(self, ix: whoosh_index.Index):
        deadline = time.monotonic() + self.lock_wait
        while True:
            try:
                return FastSegmentWriter(ix, limitmb=self.memory_mb, **SEGMENT_FILES)
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
    ) -> BuildStats:
        """Add or replace articles by id in the live generation, a batch per commit.

        During a rebuild each committed batch is also journaled for the rebuild to replay.
        """
        started = time.perf_counter()
        stats = BuildStats(generation=self.store.current_path().name)
        written: set[str] = set()  # ids of this add: a repeat is neither new nor replaced
        for batch in _batches(articles, UPSERT_BATCH):
            # whoosh's update_document cannot replace a document buffered in the same
            # writer: an id twice in one commit would be two documents. The last one wins.
            latest = {article.id: article for article in batch}
            stats.duplicates += len(batch) - len(latest)
            with self.store.writing(self.lock_wait):
                ix = self.store.open_current()
                stats.generation = self.store.current_path().name
                writer = self._writer(ix)
                declared = declarations(ix.schema)
                try:
                    with ix.searcher() as searcher:
                        stories = (Stories(indexed_candidates(searcher))
                                   if "story" in ix.schema else None)
                        for article in latest.values():
                            writer.update_document(**article_to_document(
                                article, declared, _story(stories, article)))
                            if article.id in written:
                                stats.duplicates += 1
                            elif searcher.document_number(id=article.id) is not None:
                                stats.replaced += 1
                            else:
                                stats.indexed += 1
                            written.add(article.id)
                        if on_article:
                            for article in batch:
                                on_article(article)
                except BaseException:
                    writer.cancel()
                    ix.close()
                    raise
                _commit(writer, ix)
                ix.close()
                if self.store.rebuild_running():
                    self.journal.upserted(list(latest.values()))
        stats.seconds = time.perf_counter() - started
        stats.size_bytes = folder_size(self.store.current_path())
        return stats

    def delete(self, ids: Iterable[str]) -> BuildStats:
        """Remove articles by id from the live generation; unknown ids are listed."""
        started = time.perf_counter()
        ids = list(ids)
        with self.store.writing(self.lock_wait):
            ix = self.store.open_current()
            stats = BuildStats(generation=self.store.current_path().name)
            writer = self._writer(ix)
            removed_ids = []
            try:
                for article_id in ids:
                    removed = writer.delete_by_term("id", article_id)
                    if removed:
                        stats.deleted += removed
                        removed_ids.append(article_id)
                    else:
                        stats.missing.append(article_id)
            except BaseException:
                writer.cancel()
                ix.close()
                raise
            _commit(writer, ix)
            ix.close()
            if self.store.rebuild_running():
                self.journal.deleted(removed_ids)
        stats.seconds = time.perf_counter() - started
        return stats
