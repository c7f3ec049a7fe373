"""GET /api/v1/timeline (attention over time) and GET /api/v1/export (every matching
article as CSV or JSON Lines, streamed)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator

from flask import Response
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import INCLUDE

from searchapp.api.declared_filters import DESCRIPTION as DECLARED
from searchapp.api.declared_filters import declared_filters
from searchapp.api.engine_access import UNAVAILABLE, searcher
from searchapp.api.research_schemas import ExportArgsSchema, TimelineArgsSchema, TimelineSchema
from searchapp.engine.types import ArticleRecord, SearchRequest, TimelineRequest
from searchapp.urls import safe_url

blp = Blueprint("research", __name__, url_prefix="/api/v1",
                description="Attention over time and exports, for research")

COLUMNS = ("id", "title", "outlet", "published", "url", "authors", "people", "story")
LIST_SEPARATOR = "; "
CHUNK_BYTES = 64 * 1024
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
MEDIA_TYPES = {"csv": "text/csv; charset=utf-8", "jsonl": "application/x-ndjson"}


@blp.route("/timeline")
class TimelineView(MethodView):
    @blp.arguments(TimelineArgsSchema, location="query", as_kwargs=True, unknown=INCLUDE)
    @blp.response(200, TimelineSchema)
    @blp.alt_response(503, description=UNAVAILABLE)
    def get(self, **args):
        """Attention over time

        For each query (`q`, repeatable, up to 5), per period: the matching articles
        (`count`), all articles in the same filters without the query text (`total`) and
        their `ratio`. Every period between the first and the last is present, empty ones
        with count 0, so a chart's x-axis is continuous.
        """
        return searcher().timeline(TimelineRequest(
            queries=args["q"], outlets=args["outlet"], people=args["person"],
            date_from=args["date_from"], date_to=args["date_to"],
            date_interval=args["date_interval"],
            fields=declared_filters(TimelineArgsSchema)))


@blp.route("/export")
class ExportView(MethodView):
    @blp.arguments(ExportArgsSchema, location="query", as_kwargs=True, unknown=INCLUDE)
    @blp.response(200, content_type="text/csv",
                  description="CSV with a header row, or JSON Lines; streamed.")
    @blp.alt_response(503, description=UNAVAILABLE)
    def get(self, **args):
        """Export every matching article

        The filters, `q` and `sort` of /search, with no limit on the number of articles:
        streamed in constant memory. Lists (authors, people) are one cell joined by "; ",
        which `searchapp index build` reads back: with `body=true` an export indexes back.
        """
        export = searcher().export(SearchRequest(
            q=args["q"], outlets=args["outlet"], people=args["person"],
            date_from=args["date_from"], date_to=args["date_to"], sort=args["sort"],
            rank=args["rank"],
            fields=declared_filters(ExportArgsSchema)), with_body=args["body"])
        kind = args["format"]
        lines = (_csv_lines(export, args["body"], args["bom"], export.fields) if kind == "csv"
                 else _jsonl_lines(export, args["body"]))
        response = Response(_chunks(lines, export), mimetype=None,
                            content_type=MEDIA_TYPES[kind])
        response.headers["Content-Disposition"] = f'attachment; filename="searchapp-export.{kind}"'
        response.headers["X-Total-Count"] = str(len(export))
        return response


TimelineView.get.__doc__ += f"\n{DECLARED}\n"
ExportView.get.__doc__ += f"\n{DECLARED}\n"


def _cells(record: ArticleRecord, with_body: bool, declared: list[str]) -> list[str]:
    cells = [record.id, record.title, record.outlet,
             record.published.isoformat() if record.published else "", safe_url(record.url),
             LIST_SEPARATOR.join(record.authors), LIST_SEPARATOR.join(record.people),
             record.story, *(LIST_SEPARATOR.join(record.fields.get(name, [])) for name in declared)]
    if with_body:
        cells.append(record.body)
    # a cell a spreadsheet would run as a formula ("=HYPERLINK(...)") starts with a quote
    return [f"'{c}" if c.startswith(_FORMULA_STARTS) else c for c in cells]


def _csv_lines(records, with_body: bool, bom: bool, declared: list[str]) -> Iterator[str]:
    """A header row (the declared facet fields after `story`), then a row per article."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([*COLUMNS, *declared, *(["body"] if with_body else [])])
    yield ("\ufeff" if bom else "") + buffer.getvalue()
    for record in records:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow(_cells(record, with_body, declared))
        yield buffer.getvalue()


def _jsonl_lines(records, with_body: bool) -> Iterator[str]:
    for record in records:
        item = {"id": record.id, "title": record.title, "outlet": record.outlet,
                "published": record.published.isoformat() if record.published else None,
                "url": safe_url(record.url), "authors": record.authors,
                "people": record.people, "story": record.story,
                **({"fields": record.fields} if record.fields else {})}
        if with_body:
            item["body"] = record.body
        yield json.dumps(item, ensure_ascii=False) + "\n"


class _chunks:
    """The lines as UTF-8 chunks of about CHUNK_BYTES; closing it releases the export's
    index snapshot even when the client hangs up before the end."""

    def __init__(self, lines: Iterator[str], export):
        self._lines, self._export = lines, export

    def __iter__(self) -> Iterator[bytes]:
        parts: list[str] = []
        size = 0
        for line in self._lines:
            parts.append(line)
            size += len(line)
            if size >= CHUNK_BYTES:
                yield "".join(parts).encode("utf-8")
                parts, size = [], 0
        if parts:
            yield "".join(parts).encode("utf-8")

    def close(self) -> None:
        self._export.close()
