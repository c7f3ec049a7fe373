"""Read source files into Article records: no whoosh, no Flask here."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

from searchapp.article import Article
from searchapp.ingest.csv_file import CSV_SUFFIXES, read_csv
from searchapp.ingest.html_folder import read_html_folder
from searchapp.ingest.jsonl import read_jsonl
from searchapp.ingest.layouts import Layout
from searchapp.ingest.report import IngestReport, Skipped
from searchapp.ingest.text_folder import read_text_folder

SAMPLE_DIR = Path(__file__).resolve().parent.parent / "sample"
JSONL_SUFFIXES = (".jsonl", ".jsonl.gz", ".ndjson", ".ndjson.gz")

__all__ = ["IngestReport", "Layout", "Skipped", "SAMPLE_DIR", "read_source", "read_sources"]


def read_source(
    path: Path, report: IngestReport, layout: Layout | None = None
) -> Iterator[Article]:
    """Pick the reader for one source path by what it is."""
    if path.is_dir():
        yield from read_text_folder(path, report)
        yield from read_html_folder(path, report)
    elif path.name.endswith(JSONL_SUFFIXES):
        yield from read_jsonl(path, report, layout)
    elif path.name.endswith(CSV_SUFFIXES):
        yield from read_csv(path, report, layout)
    elif path.exists():
        expected = "expected a folder of .txt/.html, .jsonl[.gz] or .csv/.tsv[.gz]"
        report.skip(str(path), None, f"unknown source type ({expected})")
    else:
        report.skip(str(path), None, "no such file or folder")


def read_sources(
    paths: Iterable[Path], report: IngestReport, layout: Layout | None = None
) -> Iterator[Article]:
    """Read every source in turn; ids repeated across sources keep the last record."""
    for path in paths:
        yield from read_source(Path(path), report, layout)
