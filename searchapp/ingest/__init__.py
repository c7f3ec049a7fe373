"""Read source files into Article records: no whoosh, no Flask here."""

from __future__ import annotations

import stat
from collections.abc import Iterable, Iterator
from pathlib import Path

from searchapp.article import Article
from searchapp.ingest.csv_file import CSV_SUFFIXES, read_csv
from searchapp.ingest.files import SourceError
from searchapp.ingest.html_folder import read_html_folder
from searchapp.ingest.jsonl import read_jsonl
from searchapp.ingest.layouts import Layout
from searchapp.ingest.limits import bounded
from searchapp.ingest.report import IngestReport, Skipped
from searchapp.ingest.text_folder import read_text_folder

SAMPLE_DIR = Path(__file__).resolve().parent.parent / "sample"
JSONL_SUFFIXES = (".jsonl", ".jsonl.gz", ".ndjson", ".ndjson.gz")
EXPECTED = "a folder of .txt/.html files, or a .jsonl[.gz] / .csv / .tsv[.gz] file"

__all__ = ["IngestReport", "Layout", "Skipped", "SourceError", "SAMPLE_DIR", "check_source",
           "read_source", "read_sources"]


def check_source(path: Path) -> None:
    """Raise SourceError unless `path` is a source this command can read."""
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        raise SourceError(f"no such file or folder: {path}") from None
    except OSError as exc:
        raise SourceError(f"cannot read {path}: {exc.strerror or exc}") from None
    if stat.S_ISDIR(mode):
        return
    if not path.name.endswith(JSONL_SUFFIXES + CSV_SUFFIXES):
        raise SourceError(f"{path}: unknown source type (expected {EXPECTED})")
    if not stat.S_ISREG(mode):
        raise SourceError(f"{path}: not a regular file")


def read_source(
    path: Path, report: IngestReport, layout: Layout | None = None
) -> Iterator[Article]:
    """Pick the reader for one (checked) source path by what it is."""
    if path.is_dir():
        try:
            next(path.iterdir(), None)
        except OSError as exc:
            report.skip(str(path), None, f"unreadable folder: {exc.strerror or exc}")
            return
        yield from read_text_folder(path, report)
        yield from read_html_folder(path, report)
    elif path.name.endswith(JSONL_SUFFIXES):
        yield from read_jsonl(path, report, layout)
    else:
        yield from read_csv(path, report, layout)


def read_sources(
    paths: Iterable[Path], report: IngestReport, layout: Layout | None = None
) -> Iterator[Article]:
    """Check every source now (SourceError before any work is done), then read them in
    turn, each article held to the size limits. An id repeated in the sources keeps its
    last record (the index's rule), and each repeat is reported with both places."""
    checked = [Path(p) for p in paths]
    for path in checked:
        check_source(path)

    def articles() -> Iterator[Article]:
        places = _Places()
        for path in checked:
            for article in read_source(path, report, layout):
                kept = bounded(article, report)
                if kept is None:
                    report.read -= 1
                    continue
                first = places.seen(kept.id, kept.source)
                if first is not None:
                    report.duplicate(kept.id, first, kept.source)
                yield kept

    return articles()


class _Places:
    """Where each id was first read, compactly (a file number and a line, as one int):
    1,000,000 ids cost one int each besides the id the index holds anyway."""

    def __init__(self) -> None:
        self._first: dict[str, int] = {}
        self._files: dict[str, int] = {}
        self._names: list[str] = []

    def seen(self, article_id: str, source: str) -> str | None:
        """Record `source` ("file:line" or "file") for `article_id`; the earlier place of
        an id seen before."""
        earlier = self._first.get(article_id)
        file, _, line = source.rpartition(":")
        if not (file and line.isdigit()):
            file, line = source, "0"
        number = self._files.setdefault(file, len(self._files))
        if number == len(self._names):
            self._names.append(file)
        self._first[article_id] = number << 32 | int(line)
        if earlier is None:
            return None
        name, at = self._names[earlier >> 32], earlier & 0xFFFFFFFF
        return f"{name}:{at}" if at else name
