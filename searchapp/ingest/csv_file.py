"""CSV (or tab-separated) articles, optionally gzip-compressed: a header row names the
fields, in our schema, a known layout or a `--map`ped one, the same as JSON Lines.

List fields (`authors`, `people`) are separated by semicolons (what /export writes) or
commas in a cell, or a JSON list.

A bad row costs that row and nothing else, and is reported with the line it starts on:
a row the csv module cannot parse, a row with more cells than the header, a quote opened
and never closed or closed in the wrong place (which would otherwise swallow the rows
after it into one cell: the lines after its first are read again as rows). Bytes that
are not UTF-8 are replaced and the row is kept and reported. Only a line over 16 MB or
damaged gzip data ends a file early (a cut inside a quoted multi-line cell could glue two
rows together), and that is said.
"""

from __future__ import annotations

import csv
import io
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from searchapp.article import Article
from searchapp.ingest.files import (
    MAX_LINE_BYTES,
    NOT_UTF8_DETAIL,
    NOT_UTF8_REPLACED,
    RepairedLine,
    Unreadable,
    text_lines,
)
from searchapp.ingest.jsonl import articles_from_records, no_body_hint, outlet_names
from searchapp.ingest.layouts import Layout, detect_layout
from searchapp.ingest.report import IngestReport

CSV_SUFFIXES = (".csv", ".csv.gz", ".tsv", ".tsv.gz")
MAX_CELL = MAX_LINE_BYTES  # the csv module's default (128 KiB) is shorter than long articles
# Lines read again after rows with broken quotes, at most: bounds the work on a file where
# every row opens a quote it never closes (each re-read would run to the end).
MAX_REREAD_LINES = 1_000_000
# What /export puts before a cell a spreadsheet would run as a formula ("=HYPERLINK(...)").
FORMULA_GUARD = "'"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Row:
    """One CSV row: the line it starts on, its cells by column, whether bytes were replaced."""

    line: int
    cells: dict
    repaired: bool = False


class _Lines:
    """The file's lines for the csv reader, remembering those of the row being read, with
    lines pushed back to be read again (after an unclosed quote)."""

    def __init__(self, path: Path):
        self._file = text_lines(path)
        self._again: deque[tuple[int, str]] = deque()
        self.row: list[tuple[int, str]] = []
        self.ended: tuple[int | None, Unreadable] | None = None  # what cut the file short
        self.at_end = False

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        if self._again:
            item = self._again.popleft()
        else:
            if self.at_end:
                raise StopIteration
            try:
                item = next(self._file)
            except StopIteration:
                self.at_end = True
                raise
            if isinstance(item[1], Unreadable):
                self.ended, self.at_end = item, True
                raise StopIteration
        self.row.append(item)
        return item[1]

    def take_row(self) -> list[tuple[int, str]]:
        row, self.row = self.row, []
        return row

    def read_again(self, lines: list[tuple[int, str]]) -> None:
        self._again.extendleft(reversed(lines))


def _lenient(lines: list[tuple[int, str]], dialect: str) -> list[str] | None:
    """A one-line row as the csv module's lenient mode reads it (`"ab"cd` is `abcd`)."""
    rows = list(csv.reader(io.StringIO("".join(line for _, line in lines)), dialect=dialect))
    return rows[0] if len(rows) == 1 else None


def _cells(header: list[str], values: list[str]) -> dict:
    """A row as csv.DictReader gives it: cells past the header under None, missing ones None."""
    cells: dict = dict(zip(header, values, strict=False))
    if len(values) > len(header):
        cells[None] = values[len(header):]
    for name in header[len(values):]:
        cells.setdefault(name, None)
    return cells


def _rows(path: Path, report: IngestReport | None = None) -> Iterator[Row]:
    """The data rows of a file, each with the line it starts on; what goes wrong is
    reported (when a report is given) and costs only the rows it touches.

    Rows are parsed strictly, so that a quote closed in the wrong place or never closed
    shows; a row that then spans several lines most likely swallowed the rows after it, so
    it is skipped and the lines after its first are read again."""
    csv.field_size_limit(MAX_CELL)
    dialect = "excel-tab" if path.name.endswith((".tsv", ".tsv.gz")) else "excel"
    lines = _Lines(path)
    header: list[str] | None = None
    reread_lines = 0
    while True:
        reader = csv.reader(lines, dialect=dialect, strict=True)
        reread = False
        while True:
            try:
                values = next(reader)
            except StopIteration:
                break
            except csv.Error as exc:
                row = lines.take_row()
                if not row:
                    continue
                if len(row) == 1 and (values := _lenient(row, dialect)) is not None:
                    pass  # a stray quote inside one line: read it as the lenient mode does
                else:
                    if report is not None:
                        report.skip(str(path), row[0][0], _quote_problem(str(exc), len(row)))
                    if len(row) > 1 and reread_lines + len(row) <= MAX_REREAD_LINES:
                        lines.read_again(row[1:])
                        reread_lines += len(row) - 1
                        reread = True
                        break
                    continue
            else:
                row = lines.take_row()
            if not values:
                continue  # a blank line
            if header is None:
                header = [name.strip() for name in values]
                continue
            yield Row(row[0][0] or 1, _cells(header, values),
                      any(isinstance(line, RepairedLine) for _, line in row))
        if not reread:
            break
    if lines.ended and report is not None:
        number, problem = lines.ended
        suffix = "" if problem.ends_file else ", rest of file skipped"
        report.skip(str(path), number, f"{problem.reason}{suffix}")


def _quote_problem(error: str, line_count: int) -> str:
    """Why a row was skipped, and what became of the lines it had swallowed."""
    if "unexpected end of data" in error:
        what = "a quote opened in this row is never closed"
    elif "field larger than field limit" in error:
        what = f"a cell larger than {MAX_CELL // 2**20} MB (a quote never closed?)"
    else:
        what = f"quotes out of place ({error})"
    if line_count > 1:
        return f"{what}: row skipped, the {line_count - 1} lines after its first read again"
    return f"unreadable CSV row: {what}"


def _unguarded(value: object) -> object:
    """A cell as it was before /export guarded it against spreadsheet formulas."""
    if (isinstance(value, str) and value.startswith(FORMULA_GUARD)
            and value[1:2] and value[1:].startswith(FORMULA_STARTS)):
        return value[1:]
    return value


def read_csv(path: Path, report: IngestReport, layout: Layout | None = None) -> Iterator[Article]:
    """Yield an Article per good row; bad rows are reported with file and line number."""
    first = next(_rows(path), None)
    if first is None:
        before = report.skipped_count
        for _ in _rows(path, report):  # report why, when it is something other than emptiness
            pass
        if report.skipped_count == before:
            report.skip(str(path), None, "no header row or no rows")
        return
    layout = layout or detect_layout(first.cells)
    hint = no_body_hint(path, [k for k in first.cells if k is not None], layout, "column")
    if hint:
        report.hint(hint)
    outlets = (outlet_names((r.cells for r in _rows(path)), layout)
               if layout.outlet_domain else None)

    def whole_rows() -> Iterator[tuple[int, dict]]:
        for row in _rows(path, report):
            cells = row.cells
            if None in cells:  # cells beyond the header
                report.skip(str(path), row.line, f"{len(cells) - 1 + len(cells[None])} cells, "
                                                 f"the header has {len(cells) - 1}")
                continue
            if row.repaired:
                report.note(NOT_UTF8_REPLACED, source=str(path), line=row.line,
                            detail=NOT_UTF8_DETAIL)
            yield row.line, {name: _unguarded(value) for name, value in cells.items()}

    yield from articles_from_records(path, whole_rows(), report, layout, outlets)
