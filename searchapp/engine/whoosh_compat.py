"""The one place that touches whoosh's private names, and the releases it was tested on.

The engine reads whoosh's posting blocks, length columns and query internals directly (it
is what makes the vectorised search fast), and it changes three things in every whoosh
writer of the process (segments that also write our arrays, posting runs written in
chunks, writer subprocesses that die with their parent). A whoosh release may change any
of these without notice, so:

- the engine is tested against exact releases (`TESTED`, and the pin in pyproject.toml)
  and `require_tested` refuses any other on import, loudly, instead of answering wrong or
  half-writing an index;
- every private whoosh name the engine uses is behind a function here, so a new release is
  checked in this file and nowhere else (`grep -rn "\\._[a-z]" searchapp/` finds the rest
  are our own attributes); the writer's private steps become public hooks here
  (`HookedSegmentWriter`), which `index/segment_writer.py` implements;
- the writer patches are installed once, explicitly, by `install_writer_patches` (the
  Indexer calls it), not as a side effect of importing a module.
"""

from __future__ import annotations

from collections.abc import Iterator

import whoosh
from whoosh import query as wq
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, _lenfield
from whoosh.query.qcore import _NullQuery
from whoosh.writing import SegmentWriter

TESTED = ((2, 7, 5),)
_installed = False


class UnsupportedWhoosh(ImportError):
    """The installed whoosh is not a release the engine was tested against."""


def _spelled(version: tuple[int, ...]) -> str:
    return ".".join(map(str, version))


def require_tested(version: tuple[int, ...] | None = None) -> None:
    """UnsupportedWhoosh unless `version` (default: the installed one) is tested."""
    found = tuple(version if version is not None else whoosh.__version__)[:3]
    if found not in TESTED:
        tested = ", ".join(_spelled(v) for v in TESTED)
        raise UnsupportedWhoosh(
            f"searchapp's engine is tested with whoosh-reloaded {tested}, not "
            f"{_spelled(found)}: pip install 'whoosh-reloaded=={_spelled(TESTED[-1])}'")


# -- reading segments ----------------------------------------------------------------------
def term_matcher(segment, fieldname: str, btext: bytes):
    """A segment's raw posting matcher for one word (deleted documents included)."""
    return segment._terms.matcher(fieldname, btext, segment.schema[fieldname].format)


def posting_blocks(segment, fieldname: str, btext: bytes) -> Iterator[tuple[list, list]]:
    """A word's (ids, weights) in one segment, block by block: whoosh decodes a block at
    a time, far faster than walking its matcher posting by posting. Short lists stored
    inline with the term come as one block."""
    matcher = term_matcher(segment, fieldname, btext)
    if not hasattr(matcher, "_read_ids"):
        ids, weights = [], []
        while matcher.is_active():
            ids.append(matcher.id())
            weights.append(matcher.weight())
            matcher.next()
        yield ids, weights
        return
    while matcher.is_active():
        matcher._read_ids()
        matcher._read_weights()
        yield matcher._ids, matcher._weights
        matcher._next_block()


def value_blocks(segment, fieldname: str, btext: bytes) -> Iterator[list]:
    """A word's encoded posting values (positions) in one segment, block by block."""
    matcher = term_matcher(segment, fieldname, btext)
    if not hasattr(matcher, "_read_values"):
        values = []
        while matcher.is_active():
            values.append(matcher.value())
            matcher.next()
        yield values
        return
    while matcher.is_active():
        matcher._read_values()
        yield matcher._values
        matcher._next_block()


def lengths_column(segment, fieldname: str):
    """A segment's column of quantised field lengths (one byte per document), or None."""
    return segment._perdoc._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN)


def field_b(weighting, fieldname: str) -> float:
    """BM25F's length normalisation for one field (whoosh keeps per-field values apart)."""
    return weighting._field_B.get(fieldname, weighting.B)


# -- queries -------------------------------------------------------------------------------
def range_words(q: wq.MultiTerm, reader) -> Iterator[bytes]:
    """The indexed words a prefix or range stands for, lazily, from whoosh's lexicon."""
    return q._btexts(reader)


def literal_prefix(q: wq.Wildcard) -> str:
    """The letters before a wildcard's first `*` or `?`."""
    return q._find_prefix(q.text)


def is_null_query(q: wq.Query) -> bool:
    """whoosh's query that matches nothing (a parse of only stop words, for one)."""
    return q is wq.NullQuery or isinstance(q, _NullQuery)


# -- writing -------------------------------------------------------------------------------
class HookedSegmentWriter(SegmentWriter):
    """whoosh's SegmentWriter with two public hooks, called where its private steps end:
    `segment_finished(segment)` once a new segment's files are written, and
    `segments_committed(segments)` once the table of contents naming the index's segments
    is on disk. It also reads each field's document lengths once per segment while it
    writes postings (`_flush_segment`), not once per posting."""

    def segment_finished(self, segment) -> None:
        """A new segment's whoosh files are written (before the commit names it)."""

    def segments_committed(self, segments) -> None:
        """The commit is on disk; `segments` are all the index now has."""

    def _finalize_segment(self):
        segment = super()._finalize_segment()
        self.segment_finished(segment)
        return segment

    def _commit_toc(self, segments):
        super()._commit_toc(segments)
        self.segments_committed(segments)

    def _flush_segment(self):
        """whoosh's _flush_segment, with each field's document lengths read once for the
        segment instead of once per posting (add_postings asks for the length of every
        posting's document: 800,000 column reads for 2,000 articles, 14% of a writer's
        time). The same values: whoosh's own reader answers each the first time."""
        self.perdocwriter.close()
        lengths = (_SegmentLengths(self.per_document_reader())
                   if self.codec.length_stats else None)
        postings = self.pool.iter_postings()
        self.fieldwriter.add_postings(self.schema, lengths, postings)
        self.fieldwriter.close()
        if lengths is not None:
            lengths.close()


class _SegmentLengths:
    """A per-document reader whose `doc_field_length` reads a field's lengths once."""

    def __init__(self, reader):
        self._reader = reader
        self._lengths: dict[str, list[int]] = {}
        self._count = reader.doc_count_all()

    def doc_field_length(self, docnum: int, fieldname: str, default: int = 0) -> int:
        found = self._lengths.get(fieldname)
        if found is None:
            read = self._reader.doc_field_length
            found = self._lengths[fieldname] = [read(d, fieldname, default)
                                                for d in range(self._count)]
        return found[docnum] if docnum < self._count else default

    def close(self) -> None:
        self._reader.close()


def install_writer_patches(segment_writer: type, write_run, read_run) -> None:
    """Once per process, in every whoosh writer it (and each process it forks) makes:
    MpWriter subprocesses write `segment_writer` segments (index/segment_writer.py),
    posting runs are written and read with `write_run` and `read_run`
    (index/posting_runs.py), and writer subprocesses die with their parent (children.py).
    The Indexer passes its own classes: this module knows whoosh, not the engine."""
    global _installed
    if _installed:
        return
    from whoosh import multiproc
    from whoosh.writing import PostingPool

    from searchapp.children import die_with_parent

    multiproc.SegmentWriter = segment_writer
    PostingPool._write_run = write_run
    PostingPool._read_run = read_run
    whoosh_run = multiproc.SubWriterTask.run

    def run_dying_with_parent(task) -> None:
        die_with_parent()
        whoosh_run(task)

    multiproc.SubWriterTask.run = run_dying_with_parent
    _installed = True
