"""The segment writer of every index: whoosh's, writing the segment's arrays beside it.

`FastSegmentWriter` records, while whoosh indexes, what `read/segment_data.py` stores for
each new segment: the positions `CapturedFrequency` hands over (capture.py), the value
fields, and each document's story. It carries the arrays of segments whoosh merges into
its new one, and writes them when the segment is finished. It replaces whoosh's
SegmentWriter in our writers and in the writer subprocesses of a rebuild
(`whoosh_compat.install_writer_patches`). An index written before these formats (plain
Positions) gets no arrays and is read from whoosh as before.
"""

from __future__ import annotations

from array import array
from functools import partial
from pathlib import Path

import numpy as np
from whoosh import multiproc

from searchapp.canonical_names import VARIANT_KEY_VERSION, variant_key
from searchapp.engine.capture import CapturedFrequency, value_fields
from searchapp.engine.errors import EngineError
from searchapp.engine.read.ranges import range_indices
from searchapp.engine.read.segment_data import (
    STORY_FIELD,
    PositionsCapture,
    SegmentData,
    ValuesCapture,
    remove_unused,
    segment_folder,
    story_number,
    write_segment,
)
from searchapp.engine.whoosh_compat import HookedSegmentWriter


class MissingArrays(EngineError, RuntimeError):
    """A segment of an index whose positions live in arrays has lost its arrays."""


class FastSegmentWriter(HookedSegmentWriter):
    """whoosh's SegmentWriter, writing the segment's arrays next to it."""

    def __init__(self, ix, *args, **kwargs):
        super().__init__(ix, *args, **kwargs)
        self._folder = Path(self.storage.folder)
        self._positional = {name: PositionsCapture() for name, field in self.schema.items()
                            if isinstance(field.format, CapturedFrequency)}
        self._values = {name: ValuesCapture() for name in value_fields(self.schema)}
        self._doc = 0
        # Each document's story as a number (story_number), for collapsing and counting
        # stories with arrays; None for an index written before story clusters.
        self._story = array("q") if STORY_FIELD in self.schema else None
        for name, capture in self._positional.items():
            self.schema[name].format.sink = partial(self._add_positions, capture)

    def _add_positions(self, capture: PositionsCapture, word: str, positions: list[int]) -> None:
        capture.add(self._doc, word, positions)

    def add_document(self, **fields):
        self._doc = self.docnum
        for name, capture in self._values.items():
            value = fields.get(name)
            if value:
                capture.add(self._doc, list(self.schema[name].process_text(value, mode="index")))
        if self._story is not None:
            self._story.append(story_number(fields.get(STORY_FIELD) or ""))
        super().add_document(**fields)

    def add_reader(self, reader):
        base = self.docnum
        live = (np.fromiter(reader.all_doc_ids(), dtype=np.int64)
                if reader.has_deletions() else None)
        super().add_reader(reader)
        if self._positional:
            self._carry(reader, base, live)

    def _carry(self, reader, base: int, live: np.ndarray | None) -> None:
        """The merged segment's arrays, renumbered as whoosh renumbers its documents."""
        data = SegmentData.open(segment_folder(self._folder, reader.segment().segid))
        if (data is None or not set(self._positional) <= data.positional_names
                or not set(self._values) <= data.value_names):
            # Its word positions exist nowhere else: merging it would lose them for good.
            raise MissingArrays(f"segment {reader.segment().segid} of {self._folder} has no "
                                "arrays (its derived/ folder was removed?); rebuild the index")
        kept = live if live is not None else np.arange(data.doc_count)
        docmap = np.full(data.doc_count, -1, dtype=np.int64)
        docmap[kept] = base + np.arange(len(kept))
        for name, capture in self._positional.items():
            arrays = data.field(name)
            new_docs = docmap[arrays.docs]
            keep = new_docs >= 0
            per_term = np.diff(arrays.post_offsets)
            term_index = np.repeat(np.arange(len(per_term)), per_term)[keep]
            counts = np.diff(arrays.pos_offsets)[keep]
            positions = arrays.positions[range_indices(arrays.pos_offsets[:-1][keep], counts)]
            capture.add_entries(arrays.terms.all_terms(), term_index, new_docs[keep], counts,
                                positions)
        if self._story is not None:
            story = data.story()
            if story is None:
                raise MissingArrays(f"segment {reader.segment().segid} of {self._folder} has "
                                    "no story numbers; rebuild the index")
            self._story.frombytes(np.asarray(story)[kept].astype(np.int64).tobytes())
        for name, capture in self._values.items():
            segment_values = data.values(name)
            new_docs = docmap[np.asarray(segment_values.docs)]
            keep = new_docs >= 0
            capture.add_pairs(segment_values.values, new_docs[keep],
                              np.asarray(segment_values.value_ids)[keep])

    def segment_finished(self, segment) -> None:
        """Write the finished segment's arrays next to whoosh's files."""
        if self._positional:
            story = (np.frombuffer(self._story, dtype=np.int64)
                     if self._story is not None else None)
            write_segment(self._folder, segment.segid, segment.doc_count_all(),
                          self._positional, self._values,
                          {"people": (variant_key, VARIANT_KEY_VERSION)}, story)

    def segments_committed(self, segments) -> None:
        """Remove the arrays of segments the commit merged away."""
        remove_unused(self._folder, {segment.segid for segment in segments})


TASK_STOP_SECONDS = 5


class FastMpWriter(multiproc.MpWriter, FastSegmentWriter):
    """whoosh's multiprocess writer, its subprocesses writing FastSegmentWriter segments.

    MpWriter builds itself and its subprocess writers through the module's
    `SegmentWriter` name, which `install` points at FastSegmentWriter; this class is that
    writer's subclass, as MpWriter's own initialisation then requires.
    """

    def cancel(self) -> None:
        """Cancel, and stop the writer subprocesses. whoosh's cancel only sets a flag on
        the parent's copy of each task: the subprocess, blocked reading its job queue,
        never sees it, and the command that failed then hangs at exit joining it.
        They are stopped first: whoosh's cancel removes the job files, and a subprocess
        still on one printed a FileNotFoundError traceback."""
        try:
            for task in getattr(self, "tasks", []):
                if task.is_alive():
                    task.terminate()
                task.join(TASK_STOP_SECONDS)
        finally:
            super().cancel()
