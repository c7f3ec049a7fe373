"""marshmallow schemas of the research endpoints: /timeline and /export."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from searchapp.api.schemas import (
    MAX_QUERY_CHARS,
    FilterArgsSchema,
    query_text_field,
    rank_field,
    sort_field,
)
from searchapp.engine.types import DATE_INTERVALS, MAX_TIMELINE_QUERIES

EXPORT_FORMATS = ("csv", "jsonl")


class TimelineArgsSchema(FilterArgsSchema):
    """Query-string parameters of GET /api/v1/timeline; unknown ones are an error."""

    q = fields.List(
        fields.String(validate=validate.Length(max=MAX_QUERY_CHARS)),
        load_default=lambda: [""],
        validate=validate.Length(min=1, max=MAX_TIMELINE_QUERIES,
                                 error=f"Give 1 to {MAX_TIMELINE_QUERIES} queries."),
        metadata={"description": f"Query text as in /search, repeatable: one line per query "
                  f"(at most {MAX_TIMELINE_QUERIES}). Missing: every article."},
    )
    date_interval = fields.String(
        load_default=None, validate=validate.OneOf(DATE_INTERVALS),
        metadata={"description": "Period of each point; chosen from the data if absent."},
    )


class TimelineBucketSchema(Schema):
    value = fields.String(metadata={"description": "2020-03-02, 2020-W10, 2020-03 or 2020."})
    start = fields.Date()
    end = fields.Date()
    count = fields.Integer(metadata={"description": "Articles the query matches in the period."})
    total = fields.Integer(metadata={"description": "All articles in the same filters, "
                                                    "without the query text."})
    ratio = fields.Float(metadata={"description": "count / total (0 when total is 0)."})


class TimelineSeriesSchema(Schema):
    q = fields.String()
    total = fields.Integer(metadata={"description": "Matching articles, as /search's total."})
    undated = fields.Integer(metadata={"description": "Matching articles without a date "
                                                      "(in no period)."})
    buckets = fields.List(fields.Nested(TimelineBucketSchema))


class TimelineSchema(Schema):
    date_interval = fields.String()
    took_ms = fields.Float()
    series = fields.List(fields.Nested(TimelineSeriesSchema))


class ExportArgsSchema(FilterArgsSchema):
    """Query-string parameters of GET /api/v1/export; unknown ones are an error."""

    format = fields.String(load_default="csv", validate=validate.OneOf(EXPORT_FORMATS),
                           metadata={"description": "csv (one row per article) or jsonl."})
    q = query_text_field()
    sort = sort_field()
    rank = rank_field()
    body = fields.Boolean(load_default=False,
                          metadata={"description": "Include each article's full text."})
    bom = fields.Boolean(load_default=False,
                         metadata={"description": "Start a CSV with a UTF-8 byte-order mark "
                                                  "(Excel needs it to read UTF-8)."})
