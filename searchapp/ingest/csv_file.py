"""CSV (or tab-separated) articles, optionally gzip-compressed: a header row names the
fields, in our schema, a known layout or a `--map`ped one, the same as JSON Lines.

List fields (`authors`, `people`) are comma-separated in a cell or a JSON list.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

from searchapp.article import Article
from searchapp.ingest.files import MAX_LINE_BYTES, Unreadable, text_lines
from searchapp.ingest.jsonl import articles_from_records, outlet_names
from searchapp.ingest.layouts import Layout, detect_layout
from searchapp.ingest.report import IngestReport

CSV_SUFFIXES = (".csv", ".csv.gz", ".tsv", ".tsv.gz")
MAX_CELL = MAX_LINE_BYTES  # the csv module's default (128 KiB) is shorter than long articles


def _rows(path: Path, report: IngestReport | None = None) -> Iterator[tuple[int, dict]]:
    """(line number where the row starts, row) pairs; a malformed file ends with a report.

    A line that cannot be read (not UTF-8, too long, damaged gzip) ends the file too: it
    may sit inside a quoted multi-line cell, so skipping only that line could silently glue
    two rows together.
    """
    csv.field_size_limit(MAX_CELL)
    dialect = "excel-tab" if path.name.endswith((".tsv", ".tsv.gz")) else "excel"
    unreadable: list[tuple[int | None, Unreadable]] = []

    def lines() -> Iterator[str]:
        for number, line in text_lines(path):
            if isinstance(line, Unreadable):
                unreadable.append((number, line))
                return
            yield line

    reader = csv.DictReader(lines(), dialect=dialect)
    line = 2
    try:
        if reader.fieldnames:
            reader.fieldnames = [name.strip() for name in reader.fieldnames]
        for row in reader:
            yield line, row
            line = reader.line_num + 1
    except csv.Error as exc:
        if report is not None:
            report.skip(str(path), reader.line_num, f"unreadable CSV, rest of file skipped: {exc}")
    if unreadable and report is not None:
        number, problem = unreadable[0]
        suffix = "" if problem.ends_file else ", rest of file skipped"
        report.skip(str(path), number, f"{problem.reason}{suffix}")


def read_csv(path: Path, report: IngestReport, layout: Layout | None = None) -> Iterator[Article]:
    """Yield an Article per good row; bad rows are reported with file and line number."""
    first = next((row for _, row in _rows(path)), None)
    if first is None:
        before = report.skipped_count
        for _ in _rows(path, report):  # report why, when it is something other than emptiness
            pass
        if report.skipped_count == before:
            report.skip(str(path), None, "no header row or no rows")
        return
    layout = layout or detect_layout(first)
    outlets = outlet_names((r for _, r in _rows(path)), layout) if layout.outlet_domain else None

    def whole_rows() -> Iterator[tuple[int, dict]]:
        for line, row in _rows(path, report):
            if None in row:  # DictReader's key for cells beyond the header
                report.skip(str(path), line, f"{len(row) - 1 + len(row[None])} cells, "
                                             f"the header has {len(row) - 1}")
            else:
                yield line, row

    yield from articles_from_records(path, whole_rows(), report, layout, outlets)
