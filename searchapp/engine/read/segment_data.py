"""What a serving worker needs of one whoosh segment, as memory-mappable NumPy arrays.

whoosh keeps postings as pickled blocks and word positions as one pickle per posting, so
reading them costs Python work per posting (0.5 s for one common word's positions at
187,770 articles), and the facet columns of a whole index took each worker 13 s to build.
The writer already has all of it in hand while it indexes a segment, so it writes it once
next to the segment (`derived/<segment id>/`), and every worker maps the same files: a
worker starts in well under a second and N workers share one copy in the page cache.

Per segment, for each positional field (`text`, `title`, `person_words`, `outlet_words`):
the sorted terms, each term's postings (document, frequency) and each posting's word
positions, and each document's exact field length; for each value field (`outlet`,
`people`, `day`): the segment's distinct values and (document, value) pairs sorted by
document. Documents are the segment's own numbers; deletions stay whoosh's.

A folder whose `meta.json` is missing, unreadable or of another FORMAT_VERSION does not
exist as far as readers are concerned: they fall back to reading whoosh (slower, same
answers), so an index written by an older version still serves.
"""

from __future__ import annotations

import hashlib
import json
import math
import mmap
import os
import shutil
import sys
import tempfile
from array import array
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from searchapp.engine.errors import IndexUnavailable
from searchapp.engine.read.facets import SegmentValues
from searchapp.engine.read.ranges import offsets, range_indices

FORMAT_VERSION = 2
DERIVED_DIR = "derived"
META_NAME = "meta.json"
NO_VALUE = -1
STORY_FIELD = "story"
NO_STORY = 0


# A value's key function and the version of its rules, stored with the keys so that keys
# written by older rules are not used.
ValueKey = tuple[Callable[[str], tuple], int]


def story_number(story: str) -> int:
    """A story id as a signed 64-bit number (NO_STORY for none): collapsing and counting
    stories compares numbers in arrays, never strings. Stable across processes."""
    if not story:
        return NO_STORY
    number = int.from_bytes(hashlib.blake2b(story.encode("utf-8"), digest_size=8).digest(),
                            "little", signed=True)
    return number or 1


def segment_folder(generation: Path, segid: str) -> Path:
    return Path(generation) / DERIVED_DIR / segid


# -- writing ------------------------------------------------------------------------------
class PositionsCapture:
    """The (term, document, positions) entries of one field, in the order they were indexed."""

    def __init__(self) -> None:
        self.term_ids: dict[str, int] = {}
        self.entry_term = array("I")
        self.entry_doc = array("I")
        self.entry_count = array("I")
        self.positions = array("i")

    def add(self, doc: int, term: str, positions: list[int]) -> None:
        ids = self.term_ids
        term_id = ids.get(term)
        if term_id is None:
            term_id = ids[term] = len(ids)
        self.entry_term.append(term_id)
        self.entry_doc.append(doc)
        self.entry_count.append(len(positions))
        self.positions.extend(positions)

    def add_entries(self, terms: list[str], term_index: np.ndarray, docs: np.ndarray,
                    counts: np.ndarray, positions: np.ndarray) -> None:
        """Entries of another segment (merged into this one), already renumbered."""
        local = _registered(self.term_ids, terms, term_index)
        self.entry_term.frombytes(local[term_index].astype(np.uint32).tobytes())
        self.entry_doc.frombytes(docs.astype(np.uint32).tobytes())
        self.entry_count.frombytes(counts.astype(np.uint32).tobytes())
        self.positions.frombytes(positions.astype(np.int32).tobytes())

    def write(self, folder: Path, name: str, doc_count: int) -> None:
        terms = sorted(self.term_ids)  # code point order = UTF-8 bytes order, as whoosh's
        rank = np.empty(len(terms), dtype=np.int64)
        rank[np.fromiter((self.term_ids[t] for t in terms), dtype=np.int64,
                         count=len(terms))] = np.arange(len(terms))
        entry_term = rank[np.frombuffer(self.entry_term, dtype=np.uint32)]
        entry_doc = np.frombuffer(self.entry_doc, dtype=np.uint32).astype(np.int32)
        counts = np.frombuffer(self.entry_count, dtype=np.uint32).astype(np.int64)
        order = np.lexsort((entry_doc, entry_term))
        starts = offsets(counts)[:-1]
        positions = np.frombuffer(self.positions, dtype=np.int32)
        encoded = [t.encode("utf-8") for t in terms]
        blob = b"".join(encoded)
        np.save(folder / f"{name}.terms.npy", np.frombuffer(blob, dtype=np.uint8))
        np.save(folder / f"{name}.term_offsets.npy",
                offsets(np.fromiter(map(len, encoded), dtype=np.int64, count=len(terms))))
        np.save(folder / f"{name}.post_offsets.npy",
                offsets(np.bincount(entry_term, minlength=len(terms))))
        np.save(folder / f"{name}.docs.npy", entry_doc[order])
        np.save(folder / f"{name}.freqs.npy", counts[order].astype(np.uint32))
        np.save(folder / f"{name}.pos_offsets.npy", offsets(counts[order]))
        np.save(folder / f"{name}.positions.npy",
                positions[range_indices(starts[order], counts[order])])
        # A document's field length is the sum of its terms' frequencies, as whoosh's.
        lengths = np.bincount(entry_doc, weights=counts, minlength=doc_count)[:doc_count]
        np.save(folder / f"{name}.lengths.npy", lengths.astype(np.uint32))


def _registered(ids: dict[str, int], names: list[str], used: np.ndarray) -> np.ndarray:
    """Local ids for the names that `used` refers to (a merge drops the others, as whoosh
    drops terms whose every posting was deleted)."""
    local = np.zeros(len(names), dtype=np.int64)
    for i in np.unique(used).tolist():
        local[i] = ids.setdefault(names[i], len(ids))
    return local


class ValuesCapture:
    """The exact values of one field (outlet, people, day) per document."""

    def __init__(self) -> None:
        self.value_ids: dict[str, int] = {}
        self.pair_doc = array("I")
        self.pair_value = array("I")

    def add(self, doc: int, values: list[str]) -> None:
        ids = self.value_ids
        for value in dict.fromkeys(values):
            self.pair_doc.append(doc)
            self.pair_value.append(ids.setdefault(value, len(ids)))

    def add_pairs(self, values: list[str], docs: np.ndarray, value_index: np.ndarray) -> None:
        local = _registered(self.value_ids, values, value_index)
        self.pair_doc.frombytes(docs.astype(np.uint32).tobytes())
        self.pair_value.frombytes(local[value_index].astype(np.uint32).tobytes())

    def write(self, folder: Path, name: str, key: ValueKey | None = None) -> None:
        """Values (and `key` of each, when given), pairs by document, documents by value."""
        values = sorted(self.value_ids)
        rank = np.empty(len(values), dtype=np.int64)
        rank[np.fromiter((self.value_ids[v] for v in values), dtype=np.int64,
                         count=len(values))] = np.arange(len(values))
        docs = np.frombuffer(self.pair_doc, dtype=np.uint32).astype(np.int32)
        value_ids = rank[np.frombuffer(self.pair_value, dtype=np.uint32)].astype(np.int32)
        order = np.lexsort((value_ids, docs))
        docs, value_ids = docs[order], value_ids[order]
        by_value = np.argsort(value_ids, kind="stable")
        (folder / f"{name}.values.json").write_text(json.dumps(values, ensure_ascii=False),
                                                     encoding="utf-8")
        if key is not None:
            function, version = key
            (folder / f"{name}.keys.json").write_text(json.dumps(
                {"version": version, "keys": [function(v) for v in values]},
                ensure_ascii=False), encoding="utf-8")
        np.save(folder / f"{name}.pairs.npy", np.stack([docs, value_ids]))
        np.save(folder / f"{name}.value_docs.npy", docs[by_value])
        np.save(folder / f"{name}.value_offsets.npy",
                offsets(np.bincount(value_ids, minlength=len(values))))


def write_segment(generation: Path, segid: str, doc_count: int,
                  positional: dict[str, PositionsCapture],
                  values: dict[str, ValuesCapture],
                  keys: dict[str, ValueKey] | None = None,
                  story: np.ndarray | None = None) -> Path:
    """Write a segment's arrays into a temporary folder, then rename it into place (readers
    never see a half-written segment). `story`: each document's story_number."""
    parent = Path(generation) / DERIVED_DIR
    parent.mkdir(exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{segid}-", dir=parent))
    try:
        for name, capture in positional.items():
            capture.write(work, name, doc_count)
        for name, capture in values.items():
            capture.write(work, name, (keys or {}).get(name))
        if story is not None:
            np.save(work / f"{STORY_FIELD}.npy", story.astype(np.int64))
        meta = {"version": FORMAT_VERSION, "docs": doc_count, "positional": sorted(positional),
                "values": sorted(values), "story": story is not None}
        (work / META_NAME).write_text(json.dumps(meta), encoding="utf-8")
        target = segment_folder(generation, segid)
        if target.exists():
            shutil.rmtree(target)
        os.replace(work, target)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return target


def remove_unused(generation: Path, keep: set[str]) -> None:
    """Drop the folders of segments no longer in the index (merged away)."""
    parent = Path(generation) / DERIVED_DIR
    if not parent.is_dir():
        return
    for folder in parent.iterdir():
        if folder.name not in keep and not folder.name.startswith("."):
            shutil.rmtree(folder, ignore_errors=True)


# -- reading ------------------------------------------------------------------------------
_HEADER_READERS = {(1, 0): np.lib.format.read_array_header_1_0,
                   (2, 0): np.lib.format.read_array_header_2_0}


def map_array(path: Path) -> np.ndarray:
    """A .npy file as a read-only array over a shared memory map.

    Not `np.load(mmap_mode="r")`: that returns np.memmap, whose slicing runs Python code on
    every index (22,000 calls in 20 queries) and whose opening resolves the path; a plain
    array over the same mapping slices in C and opens in a fraction of the time."""
    with open(path, "rb") as file:
        version = np.lib.format.read_magic(file)
        read_header = _HEADER_READERS.get(version)
        if read_header is None:  # a header layout this code does not parse itself
            return np.load(path, mmap_mode="r")
        shape, fortran, dtype = read_header(file)
        count = math.prod(shape)
        if count == 0:
            return np.zeros(shape, dtype=dtype)
        mapped = mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ)
        array = np.frombuffer(mapped, dtype=dtype, count=count, offset=file.tell())
    return array.reshape(shape, order="F" if fortran else "C")

class TermTable:
    """A segment's sorted terms of one field: a byte blob and where each term starts."""

    def __init__(self, blob: np.ndarray, term_offsets: np.ndarray):
        self.blob = blob
        self.offsets = term_offsets
        self.count = len(term_offsets) - 1

    def term(self, i: int) -> bytes:
        return self.blob[self.offsets[i]:self.offsets[i + 1]].tobytes()

    def find(self, btext: bytes) -> int:
        """The term's index, or -1 (a binary search: terms are in bytes order)."""
        low, high = 0, self.count
        while low < high:
            mid = (low + high) // 2
            if self.term(mid) < btext:
                low = mid + 1
            else:
                high = mid
        return low if low < self.count and self.term(low) == btext else -1

    def all_terms(self) -> list[str]:
        blob = self.blob.tobytes()
        bounds = self.offsets.tolist()
        return [blob[bounds[i]:bounds[i + 1]].decode("utf-8") for i in range(self.count)]


@dataclass(eq=False)  # by identity: what is derived from a segment's arrays is kept by it
class FieldArrays:
    """One positional field of one segment, memory-mapped."""

    terms: TermTable
    post_offsets: np.ndarray
    docs: np.ndarray
    freqs: np.ndarray
    pos_offsets: np.ndarray
    positions: np.ndarray
    lengths: np.ndarray

    def postings(self, btext: bytes) -> tuple[np.ndarray, np.ndarray] | None:
        i = self.terms.find(btext)
        if i < 0:
            return None
        start, end = self.post_offsets[i], self.post_offsets[i + 1]
        return self.docs[start:end], self.freqs[start:end]

    def term_positions(self, btext: bytes) -> tuple[np.ndarray, np.ndarray] | None:
        """Each posting's positions: (offsets from 0, one more than postings; values)."""
        i = self.terms.find(btext)
        if i < 0:
            return None
        start, end = self.post_offsets[i], self.post_offsets[i + 1]
        bounds = self.pos_offsets[start:end + 1]
        return bounds - bounds[0], self.positions[bounds[0]:bounds[-1]]


class SegmentData:
    """The arrays of one segment, opened read-only and memory-mapped."""

    def __init__(self, folder: Path, meta: dict):
        self.folder = folder
        self.doc_count = int(meta["docs"])
        self.positional_names = set(meta["positional"])
        self.value_names = set(meta["values"])
        self.has_story = bool(meta.get("story"))
        self._fields: dict[str, FieldArrays] = {}
        self._story: np.ndarray | None = None

    @classmethod
    def open(cls, folder: Path) -> SegmentData | None:
        """The segment's arrays, or None when they are missing or of another version."""
        try:
            meta = json.loads((folder / META_NAME).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if not isinstance(meta, dict) or meta.get("version") != FORMAT_VERSION:
            return None
        return cls(folder, meta)

    def _load(self, name: str) -> np.ndarray:
        try:
            return map_array(self.folder / f"{name}.npy")
        except (OSError, ValueError) as exc:  # missing, cut short, not an array
            raise IndexUnavailable(
                f"the arrays of segment {self.folder.name} cannot be read ({type(exc).__name__}"
                f" in {name}.npy); rebuild the index") from None

    def field(self, name: str) -> FieldArrays | None:
        if name not in self.positional_names:
            return None
        found = self._fields.get(name)
        if found is None:
            load = self._load
            found = self._fields[name] = FieldArrays(
                TermTable(load(f"{name}.terms"), load(f"{name}.term_offsets")),
                load(f"{name}.post_offsets"), load(f"{name}.docs"), load(f"{name}.freqs"),
                load(f"{name}.pos_offsets"), load(f"{name}.positions"),
                load(f"{name}.lengths"))
        return found

    def values(self, name: str) -> SegmentValues | None:
        """A value field's values, pairs by document and documents by value."""
        if name not in self.value_names:
            return None
        # Interned: the same outlets and people recur in every segment, and a worker keeps
        # each segment's list; one string per distinct value, not one per segment.
        values = [sys.intern(v) for v in
                  json.loads((self.folder / f"{name}.values.json").read_text(encoding="utf-8"))]
        pairs = self._load(f"{name}.pairs")
        return SegmentValues(values, pairs[0], pairs[1], self._load(f"{name}.value_docs"),
                             self._load(f"{name}.value_offsets"))

    def story(self) -> np.ndarray | None:
        """Each document's story_number, when the writer stored them."""
        if self._story is None and self.has_story:
            self._story = self._load(STORY_FIELD)
        return self._story

    def value_keys(self, name: str, version: int) -> list[tuple] | None:
        """The writer's `key` of each value (variant keys of people), when it stored them
        with this `version` of the key function (None otherwise: compute them again)."""
        path = self.folder / f"{name}.keys.json"
        if not path.exists():
            return None
        stored = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(stored, dict) or stored.get("version") != version:
            return None  # a list: written before keys had versions
        return [tuple(sys.intern(w) for w in k) for k in stored["keys"]]
