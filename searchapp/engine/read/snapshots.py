"""Open snapshots of the live index, and how a worker moves to a new one without waiting.

A snapshot is one whoosh searcher with what the fast path and the facets need about its
segments. Opening one reuses everything of the segments the previous snapshot already had
(their memory-mapped arrays, their facet values); only new segments are read, and the
corpus-wide steps (the union of facet values, canonical names) are redone over arrays.

In a server (`watch`), a thread polls the index a few times a second and builds the next
snapshot beside the current one, which keeps answering requests; the swap is a pointer
change. A snapshot is closed only when the last request using it has finished. Without the
watcher (tests, the CLI, benchmarks) a call that finds the index changed reopens at once.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import numpy as np

from searchapp.canonical_names import VARIANT_KEY_VERSION, VariantKeys
from searchapp.children import release_freed_memory
from searchapp.engine import whoosh_compat
from searchapp.engine.capture import CapturedFrequency, value_fields
from searchapp.engine.declared import declarations
from searchapp.engine.errors import IndexUnavailable
from searchapp.engine.read.facet_fields import Facet, facets_of
from searchapp.engine.read.facets import ColumnsMemory, FacetColumns, SegmentValues
from searchapp.engine.read.fastpath import FastPath
from searchapp.engine.read.postings import Leaf, PostingSource
from searchapp.engine.read.query import QueryText
from searchapp.engine.read.scoring import weighting
from searchapp.engine.read.segment_data import SegmentData, segment_folder
from searchapp.engine.store import IndexStore

WATCH_SECONDS = 0.1
log = logging.getLogger(__name__)


@dataclass(eq=False)
class Snapshot:
    """One open index state: a whoosh searcher and the arrays that belong to it."""

    generation: str
    index: object
    searcher: object
    columns: FacetColumns
    query_text: QueryText
    fast: FastPath
    segments: dict[str, _SegmentParts]
    users: int = 0
    retired: bool = False
    # what collect/ derives once per snapshot and keeps with it (the snippet highlighter)
    derived: dict[str, object] = field(default_factory=dict)

    @cached_property
    def facets(self) -> dict[str, Facet]:
        """Its facets by name (outlet, person, date, declared ones), one protocol for all."""
        return facets_of(self.columns)

    def close(self) -> None:
        self.searcher.close()
        self.index.close()


@dataclass
class _SegmentParts:
    """What a snapshot keeps of one segment, to be reused by the next one."""

    data: SegmentData | None
    values: dict[str, SegmentValues] = field(default_factory=dict)


def _whoosh_values(segment, fieldname: str) -> SegmentValues:
    """A segment's values of one field from whoosh's lexicon and postings (deleted
    documents included, as in the writer's arrays): for segments without arrays."""
    values: list[str] = []
    docs, value_ids = [], []
    if fieldname in segment.schema:
        for term in segment.lexicon(fieldname):
            matcher = whoosh_compat.term_matcher(segment, fieldname, term)
            ids = np.fromiter(matcher.all_ids(), dtype=np.int64)
            if not len(ids):
                continue
            docs.append(ids)
            value_ids.append(np.full(len(ids), len(values), dtype=np.int64))
            values.append(term.decode("utf-8") if isinstance(term, bytes) else term)
    empty = np.zeros(0, dtype=np.int64)
    return SegmentValues.from_pairs(values, np.concatenate(docs) if docs else empty,
                                    np.concatenate(value_ids) if value_ids else empty)


def open_snapshot(store: IndexStore, previous: dict[str, _SegmentParts],
                  memory: ColumnsMemory | None = None, warm: bool = False) -> Snapshot:
    """The live generation opened, reusing `previous` segments' parts where they still are
    (and `memory`, the value tables and canonical names the last snapshot left). `warm`
    (servers) also loads now what any first query would, so that none waits for it."""
    memory = memory or ColumnsMemory()
    path = store.current_path()
    ix = store.open_current()
    try:
        model = weighting()
        searcher = ix.searcher(weighting=model)
        reader = searcher.reader()
        segments: dict[str, _SegmentParts] = {}
        leaves = []
        arrays_only = [name for name, f in ix.schema.items()
                       if isinstance(f.format, CapturedFrequency)]
        for segment, base in reader.leaf_readers():
            segid = segment.segment().segid
            parts = previous.get(segid) or _SegmentParts(
                SegmentData.open(segment_folder(Path(path), segid)))
            if arrays_only and (parts.data is None
                                or not set(arrays_only) <= parts.data.positional_names):
                raise IndexUnavailable(
                    f"segment {segid} of {path.name} lost its arrays (derived/), where its "
                    "word positions are kept; rebuild the index")
            segments[segid] = parts
            leaves.append(Leaf(segment, base, parts.data))
        live = np.ones(reader.doc_count_all(), dtype=bool)
        for leaf in leaves:
            segment = leaf.reader.segment()
            if segment.has_deletions():
                live[np.fromiter(segment.deleted_docs(), dtype=np.int64) + leaf.base] = False
        by_field = {name: [(_values(leaf, segments, name, memory.variant_keys), leaf.base)
                           for leaf in leaves]
                    for name in value_fields(ix.schema)}
        declared = {d.name: by_field[d.field] for d in declarations(ix.schema)}
        columns = FacetColumns.from_segments(live, by_field["outlet"], by_field["people"],
                                             by_field["day"], memory, declared)
        columns.story = _story_numbers(leaves, len(live)) if "story" in ix.schema else None
        source = PostingSource(leaves, live)
        if warm:
            _warm(source, leaves)
    except IndexUnavailable:
        ix.close()
        raise
    except Exception as exc:  # damaged segment files: whoosh raises many types
        ix.close()
        raise IndexUnavailable(f"the live generation {path.name} cannot be read "
                               f"({type(exc).__name__}); rebuild the index") from None
    return Snapshot(
        generation=path.name,
        index=ix,
        searcher=searcher,
        columns=columns,
        query_text=QueryText(ix.schema),
        fast=FastPath(searcher, columns, model, source),
        segments=segments,
    )


def _warm(source: PostingSource, leaves: list[Leaf]) -> None:
    """What the first query of a snapshot would otherwise load: field lengths, each
    segment's positional arrays and whoosh's stored-field offsets (a read per segment)."""
    source.warm()
    for leaf in leaves:
        if leaf.data is not None:
            for name in leaf.data.positional_names:
                leaf.data.field(name)
        if leaf.doc_count:
            leaf.reader.stored_fields(0)


def _story_numbers(leaves: list[Leaf], doc_count: int) -> np.ndarray | None:
    """Each document's story number over the snapshot; None when a segment has none."""
    parts = [leaf.data.story() if leaf.data is not None else None for leaf in leaves]
    if any(part is None for part in parts):
        return None
    return np.concatenate(parts) if parts else np.zeros(doc_count, dtype=np.int64)


def _values(leaf: Leaf, segments: dict[str, _SegmentParts], name: str,
            variant_keys: VariantKeys) -> SegmentValues:
    parts = segments[leaf.reader.segment().segid]
    found = parts.values.get(name)
    if found is None:
        found = parts.data.values(name) if parts.data is not None else None
        if found is None:
            found = _whoosh_values(leaf.reader, name)
        elif name == "people":
            keys = parts.data.value_keys(name, VARIANT_KEY_VERSION)
            if keys is not None:
                variant_keys.remember(found.values, keys)
        parts.values[name] = found
    return found


class Snapshots:
    """The current snapshot of one index, refreshed when the index changes."""

    def __init__(self, store: IndexStore):
        self.store = store
        self._current: Snapshot | None = None
        self._swap = threading.Lock()  # the current pointer and use counts
        self._opening = threading.Lock()  # one snapshot opened at a time
        self._watcher: threading.Thread | None = None
        self._memory = ColumnsMemory()
        self.serving = False  # a server's worker: snapshots are warmed before use

    def _stale(self, snapshot: Snapshot) -> bool:
        """Whether the index moved on from `snapshot`; IndexUnavailable when it is broken."""
        path = self.store.current_path()
        return path.name != snapshot.generation or not snapshot.searcher.up_to_date()

    def _refresh(self) -> Snapshot:
        with self._opening:
            current = self._current
            if current is not None and not self._stale(current):
                return current
            fresh = open_snapshot(self.store, current.segments if current else {},
                                  self._memory, warm=self.serving)
            self._install(fresh)
        release_freed_memory()
        return fresh

    def _install(self, fresh: Snapshot) -> None:
        with self._swap:
            old, self._current = self._current, fresh
            close_now = old is not None and old.users == 0
            if old is not None:
                old.retired = True
        if close_now:
            old.close()

    @contextmanager
    def using(self) -> Iterator[Snapshot]:
        """The snapshot to answer from, held open until the caller is done with it.

        Raises IndexUnavailable when the live index is missing or damaged. A server's
        watcher swaps snapshots in the background; without it a changed index is reopened
        here, before answering.
        """
        snapshot = self._current
        if snapshot is None or (self._stale(snapshot) and self._watcher is None):
            snapshot = self._refresh()
        with self._swap:
            snapshot = self._current or snapshot
            snapshot.users += 1
        try:
            yield snapshot
        finally:
            with self._swap:
                snapshot.users -= 1
                close_now = snapshot.retired and snapshot.users == 0
            if close_now:
                snapshot.close()

    def watch(self, interval: float = WATCH_SECONDS) -> None:
        """Open the index now and keep following it from a background thread."""
        if self._watcher is not None:
            return
        self._watcher = threading.Thread(target=self._follow, args=(interval,), daemon=True,
                                         name="searchapp-snapshots")
        self._watcher.start()

    def _follow(self, interval: float) -> None:
        while True:
            try:
                current = self._current
                if current is None or self._stale(current):
                    self._refresh()
            except IndexUnavailable:
                pass  # requests say why (503) until the index is fixed
            except Exception:  # keep serving the current snapshot; try again next time
                log.exception("could not open the changed index; still serving the last")
                time.sleep(1)
            time.sleep(interval)
