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
  are our own attributes, and the subclass hooks of `capture.py`, which override whoosh's
  writer methods by name);
- the writer patches are installed once, explicitly, by `install_writer_patches` (the
  Indexer calls it), not as a side effect of importing a module.
"""

from __future__ import annotations

from collections.abc import Iterator

import whoosh
from whoosh import query as wq
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, _lenfield
from whoosh.query.qcore import _NullQuery

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
def install_writer_patches() -> None:
    """Once per process, in every whoosh writer it (and each process it forks) makes:
    MpWriter subprocesses write our FastSegmentWriter segments (capture.py), posting runs
    are written and read in chunks (posting_runs.py), and writer subprocesses die with
    their parent (children.py)."""
    global _installed
    if _installed:
        return
    from whoosh import multiproc
    from whoosh.writing import PostingPool

    from searchapp.children import die_with_parent
    from searchapp.engine import capture, posting_runs

    multiproc.SegmentWriter = capture.FastSegmentWriter
    PostingPool._write_run = posting_runs.write_run
    PostingPool._read_run = posting_runs.read_run
    whoosh_run = multiproc.SubWriterTask.run

    def run_dying_with_parent(task) -> None:
        die_with_parent()
        whoosh_run(task)

    multiproc.SubWriterTask.run = run_dying_with_parent
    _installed = True
