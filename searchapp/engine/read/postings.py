"""Postings, positions and field lengths of an open index, as NumPy arrays over its documents.

Each segment answers from its memory-mapped arrays (segment_data.py) when it has them, and
from whoosh's own postings otherwise (an index written by an older version), decoded block
by block. Document numbers are the index's (segment base + the segment's own number).

Collection statistics are taken over live documents only (whoosh counts deleted ones until
their segment is merged), so an index that has seen adds and deletes scores like a rebuild
of the same articles.
"""

from __future__ import annotations

import weakref
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from whoosh.util.numeric import byte_to_length

from searchapp.engine import whoosh_compat
from searchapp.engine.read.ranges import offsets, range_indices
from searchapp.engine.read.segment_data import FieldArrays, SegmentData

BLOCKS_PER_CHECK = 64  # posting blocks read between two looks at the clock
CACHE_POSTINGS = 12_000_000  # postings decoded from whoosh kept per worker (~96 MB)
CACHE_MAPPED = 1_000_000  # postings assembled from mapped arrays (cheap to redo)
_BYTE_LENGTHS = np.array([byte_to_length(b) for b in range(256)], dtype=np.float32)
_LENGTH_BYTES = np.array([byte_to_length(b) for b in range(256)], dtype=np.int64)
_MAX_QUANTISED = 106374  # whoosh's length_to_byte: this and longer is byte 255


# A segment's quantised lengths never change: computed once per process, not once per
# snapshot (the first query after each add paid 30 ms for them at 187,770 articles).
_QUANTISED: weakref.WeakKeyDictionary[FieldArrays, np.ndarray] = weakref.WeakKeyDictionary()


def quantised(lengths: np.ndarray) -> np.ndarray:
    """whoosh's stored length of each exact length (length_to_byte, then byte_to_length)."""
    exact = np.asarray(lengths, dtype=np.int64)
    codes = np.minimum(np.searchsorted(_LENGTH_BYTES, exact, side="left"), 255)
    return _BYTE_LENGTHS[np.where(exact >= _MAX_QUANTISED, 255, codes)]


@dataclass
class Leaf:
    """One segment of an open index: whoosh's reader, its first document, its arrays."""

    reader: object
    base: int
    data: SegmentData | None

    @property
    def doc_count(self) -> int:
        return self.reader.doc_count_all()


@dataclass
class Postings:
    ids: np.ndarray      # document numbers, ascending
    freqs: np.ndarray    # term frequency in each document


@dataclass
class Positions:
    starts: np.ndarray   # where each posting's positions begin in `values` (one extra at end)
    values: np.ndarray   # word positions, posting after posting


def _no_check() -> None:
    return None


def _whoosh_postings(segment, fieldname: str, btext: bytes, check: Callable[[], None]
                     ) -> tuple[np.ndarray, np.ndarray]:
    """One segment's postings read from whoosh, a block at a time (deleted ones included)."""
    ids: list = []
    freqs: list = []
    for blocks, (block_ids, block_weights) in enumerate(
            whoosh_compat.posting_blocks(segment, fieldname, btext), start=1):
        ids.extend(block_ids)
        freqs.extend(block_weights)
        if blocks % BLOCKS_PER_CHECK == 0:
            check()
    return np.asarray(ids, dtype=np.int32), np.asarray(freqs, dtype=np.float32)


def _whoosh_positions(segment, fieldname: str, btext: bytes, check: Callable[[], None]
                      ) -> list[list[int]]:
    """One segment's word positions from whoosh, posting by posting (a pickle each)."""
    fmt = segment.schema[fieldname].format
    values: list = []
    for blocks, block in enumerate(whoosh_compat.value_blocks(segment, fieldname, btext),
                                   start=1):
        values.extend(block)
        if blocks % BLOCKS_PER_CHECK == 0:
            check()
    decoded = []
    for i, value in enumerate(values):
        if i % (BLOCKS_PER_CHECK * 128) == 0:
            check()
        decoded.append(fmt.decode_positions(value))
    return decoded


class PostingSource:
    """Postings, positions, lengths and live statistics of one snapshot's segments."""

    def __init__(self, leaves: list[Leaf], live: np.ndarray):
        self.leaves = leaves
        self.live = live
        self.live_count = int(live.sum())
        self.doc_count = len(live)
        mapped = all(leaf.data is not None for leaf in leaves)
        self._budget = CACHE_MAPPED if mapped else CACHE_POSTINGS
        self._postings: OrderedDict[tuple[str, bytes], Postings] = OrderedDict()
        self._positions: OrderedDict[tuple[str, bytes], Positions] = OrderedDict()
        self._cached = 0
        self._lengths: dict[str, np.ndarray] = {}
        self._exact: dict[str, np.ndarray | None] = {}

    def _mapped(self, leaf: Leaf, fieldname: str):
        return leaf.data.field(fieldname) if leaf.data is not None else None

    # -- postings and positions -------------------------------------------------------------
    def postings(self, fieldname: str, btext: bytes, check: Callable[[], None] = _no_check
                 ) -> Postings:
        key = (fieldname, btext)
        found = self._postings.get(key)
        if found is not None:
            self._postings.move_to_end(key)
            return found
        parts_ids, parts_freqs = [], []
        for leaf in self.leaves:
            arrays = self._mapped(leaf, fieldname)
            if arrays is not None:
                got = arrays.postings(btext)
                if got is None:
                    continue
                ids, freqs = got
            elif (fieldname, btext) in leaf.reader:
                ids, freqs = _whoosh_postings(leaf.reader, fieldname, btext, check)
            else:
                continue
            parts_ids.append(np.asarray(ids, dtype=np.int32) + leaf.base)
            parts_freqs.append(np.asarray(freqs, dtype=np.float32))
        postings = Postings(
            np.concatenate(parts_ids) if parts_ids else np.zeros(0, dtype=np.int32),
            np.concatenate(parts_freqs) if parts_freqs else np.zeros(0, dtype=np.float32),
        )
        self._postings[key] = postings
        self._cached += len(postings.ids)
        self._trim()
        return postings

    def positions(self, fieldname: str, btext: bytes, check: Callable[[], None] = _no_check
                  ) -> Positions:
        """Word positions of a term, aligned with `postings(fieldname, btext)`."""
        key = (fieldname, btext)
        found = self._positions.get(key)
        if found is not None:
            self._positions.move_to_end(key)
            return found
        starts, values, total = [], [], 0
        for leaf in self.leaves:
            arrays = self._mapped(leaf, fieldname)
            if arrays is not None:
                got = arrays.term_positions(btext)
                if got is None:
                    continue
                relative, leaf_values = got
            elif (fieldname, btext) in leaf.reader \
                    and leaf.reader.schema[fieldname].format.supports("positions"):
                lists = _whoosh_positions(leaf.reader, fieldname, btext, check)
                counts = np.fromiter(map(len, lists), dtype=np.int64, count=len(lists))
                relative = offsets(counts)
                leaf_values = np.fromiter((n for p in lists for n in p), dtype=np.int64,
                                          count=int(counts.sum()))
            else:
                continue
            starts.append(np.asarray(relative[:-1], dtype=np.int64) + total)
            values.append(np.asarray(leaf_values, dtype=np.int64))
            total += len(leaf_values)
        positions = Positions(
            np.concatenate([*starts, [total]]) if starts else np.zeros(1, dtype=np.int64),
            np.concatenate(values) if values else np.zeros(0, dtype=np.int64),
        )
        self._positions[key] = positions
        self._cached += len(positions.values)
        self._trim()
        return positions

    def positions_for(self, fieldname: str, btext: bytes, docs: np.ndarray,
                      check: Callable[[], None] = _no_check) -> tuple[np.ndarray, np.ndarray]:
        """A term's positions in `docs` only (sorted; each holds the term): how many in
        each document, and the positions document after document. From the mapped arrays
        this reads those documents' positions alone, not every posting's."""
        if any(self._mapped(leaf, fieldname) is None for leaf in self.leaves):
            postings = self.postings(fieldname, btext, check)
            positions = self.positions(fieldname, btext, check)
            rows = np.searchsorted(postings.ids, docs)
            starts = positions.starts[rows]
            counts = positions.starts[rows + 1] - starts
            return counts, positions.values[range_indices(starts, counts)]
        counts_parts, values_parts = [], []
        for leaf in self.leaves:
            low, high = np.searchsorted(docs, [leaf.base, leaf.base + leaf.doc_count])
            if low == high:
                continue
            arrays = self._mapped(leaf, fieldname)
            term = arrays.terms.find(btext)
            first = int(arrays.post_offsets[term])
            local = arrays.docs[first:int(arrays.post_offsets[term + 1])]
            rows = first + np.searchsorted(local, docs[low:high] - leaf.base)
            begin = np.asarray(arrays.pos_offsets[rows], dtype=np.int64)
            counts = np.asarray(arrays.pos_offsets[rows + 1], dtype=np.int64) - begin
            counts_parts.append(counts)
            values_parts.append(np.asarray(arrays.positions[range_indices(begin, counts)],
                                           dtype=np.int64))
        empty = np.zeros(0, dtype=np.int64)
        return (np.concatenate(counts_parts) if counts_parts else empty,
                np.concatenate(values_parts) if values_parts else empty)

    def _trim(self) -> None:
        """Drop the least recently used arrays beyond the budget (the newest always stays)."""
        while self._cached > self._budget:
            if len(self._positions) > (0 if len(self._postings) > 1 else 1):
                _, dropped = self._positions.popitem(last=False)
                self._cached -= len(dropped.values)
            elif len(self._postings) > 1:
                _, dropped_postings = self._postings.popitem(last=False)
                self._cached -= len(dropped_postings.ids)
            else:
                break

    # -- lengths and statistics -------------------------------------------------------------
    def lengths(self, fieldname: str) -> np.ndarray:
        """Each document's (quantised) length of `fieldname`, as BM25 sees it."""
        if fieldname not in self._lengths:
            parts = []
            for leaf in self.leaves:
                arrays = self._mapped(leaf, fieldname)
                if arrays is not None:
                    found = _QUANTISED.get(arrays)
                    if found is None:
                        found = _QUANTISED[arrays] = quantised(arrays.lengths)
                    parts.append(found)
                    continue
                segment = leaf.reader
                column = whoosh_compat.lengths_column(segment, fieldname)
                count = segment.doc_count_all()
                raw = (np.fromiter((column[i] for i in range(count)), dtype=np.uint8, count=count)
                       if column is not None else np.zeros(count, dtype=np.uint8))
                parts.append(_BYTE_LENGTHS[raw])
            self._lengths[fieldname] = np.concatenate(parts) if parts else np.zeros(0)
        return self._lengths[fieldname]

    def warm(self) -> None:
        """Assemble the field lengths of every field that has arrays now, while the snapshot
        is opened beside the current one, so that its first query does not."""
        names = set.intersection(*(leaf.data.positional_names if leaf.data else set()
                                   for leaf in self.leaves)) if self.leaves else set()
        for fieldname in sorted(names):
            self.lengths(fieldname)
            self._exact_lengths(fieldname)

    def _exact_lengths(self, fieldname: str) -> np.ndarray | None:
        if fieldname not in self._exact:
            parts = [self._mapped(leaf, fieldname) for leaf in self.leaves]
            self._exact[fieldname] = (np.concatenate([np.asarray(p.lengths) for p in parts])
                                      if parts and all(p is not None for p in parts) else None)
        return self._exact[fieldname]

    def average_length(self, fieldname: str, whoosh_average: Callable[[], float]) -> float:
        """Mean length of the field over live documents (whoosh's own figure, which counts
        deleted documents too, only for indexes without the arrays)."""
        exact = self._exact_lengths(fieldname)
        if exact is None:
            return whoosh_average() or 1.0
        return float(exact[self.live].sum()) / max(self.live_count, 1) or 1.0

    def collection_frequency(self, fieldname: str, btext: bytes) -> float:
        """A term's total frequency over live documents, without keeping its postings
        (whoosh's own count, deleted documents included, for segments without arrays)."""
        total = 0.0
        for leaf in self.leaves:
            arrays = self._mapped(leaf, fieldname)
            if arrays is None:
                total += leaf.reader.frequency(fieldname, btext) \
                    if (fieldname, btext) in leaf.reader else 0.0
                continue
            got = arrays.postings(btext)
            if got is not None:
                docs, freqs = got
                alive = self.live[np.asarray(docs, dtype=np.int64) + leaf.base]
                total += float(np.asarray(freqs)[alive].sum())
        return total

    def live_frequency(self, postings: Postings) -> tuple[int, float]:
        """(documents, total frequency) of a term over live documents."""
        alive = self.live[postings.ids]
        return int(alive.sum()), float(postings.freqs[alive].sum())
