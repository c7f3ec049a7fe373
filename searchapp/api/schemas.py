"""marshmallow schemas: they validate every request and shape every response."""

from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from searchapp.engine.types import DATE_INTERVALS, FACET_FIELDS, SORTS
from searchapp.urls import safe_url

MAX_QUERY_CHARS = 1000
MAX_RESULT_WINDOW = 10_000
MAX_FILTER_VALUES = 50
_FACET_NAME = "(" + "|".join(FACET_FIELDS) + ")"
FACETS_PATTERN = f"^({_FACET_NAME}(,{_FACET_NAME})*)?$"
FACET_VALUE = fields.String(validate=validate.Length(min=1, max=300))


class SafeUrl(fields.String):
    """A link that leaves the API only when it is an absolute http(s) URL, else ''."""

    def _serialize(self, value, attr, obj, **kwargs):
        return safe_url(value)


def query_text_field() -> fields.String:
    return fields.String(
        load_default="",
        validate=validate.Length(max=MAX_QUERY_CHARS),
        metadata={"description": 'Query text: words, "phrases", AND/OR/NOT, '
                  "title:/outlet:/person: prefixes. Empty or missing: every article."},
    )


def sort_field() -> fields.String:
    return fields.String(load_default="relevance", validate=validate.OneOf(SORTS))


class FilterArgsSchema(Schema):
    """The filters every article-selecting endpoint shares: outlet, person, date range."""

    outlet = fields.List(
        FACET_VALUE, load_default=list, validate=validate.Length(max=MAX_FILTER_VALUES),
        metadata={"description": "Outlet filter, repeatable (OR within the field)."},
    )
    person = fields.List(
        FACET_VALUE, load_default=list, validate=validate.Length(max=MAX_FILTER_VALUES),
        metadata={"description": "Person filter, repeatable (OR within the field)."},
    )
    date_from = fields.Date(
        load_default=None, metadata={"description": "Earliest publication date, inclusive."}
    )
    date_to = fields.Date(
        load_default=None, metadata={"description": "Latest publication date, inclusive."}
    )

    @validates_schema
    def _check_dates(self, data, **kwargs):
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            raise ValidationError("must not be before date_from", field_name="date_to")


class SearchArgsSchema(FilterArgsSchema):
    """Query-string parameters of GET /api/v1/search; unknown ones are an error."""

    q = query_text_field()
    sort = sort_field()
    page = fields.Integer(load_default=1, validate=validate.Range(min=1))
    per_page = fields.Integer(load_default=10, validate=validate.Range(min=1, max=100))
    # A string, not an array: "facets=" (no facets) and "facets=outlet" read the same on
    # the wire as an empty and a one-item array, and a pattern documents both exactly.
    facets = fields.String(
        load_default=",".join(FACET_FIELDS),
        validate=validate.Regexp(FACETS_PATTERN, error="Use a comma list of outlet, person "
                                 "and date (empty for none)."),
        metadata={"description": "Comma list of facets to count: outlet,person,date "
                                 "(default all; empty for none).",
                  "pattern": FACETS_PATTERN},
    )
    facet_size = fields.Integer(load_default=10, validate=validate.Range(min=1, max=100))
    date_interval = fields.String(
        load_default=None, validate=validate.OneOf(DATE_INTERVALS),
        metadata={"description": "Date histogram bucket size; chosen from the data if absent."},
    )

    @validates_schema
    def _check_window(self, data, **kwargs):
        page, per_page = data.get("page", 1), data.get("per_page", 10)
        if page * per_page > MAX_RESULT_WINDOW:
            raise ValidationError(
                f"page * per_page must be at most {MAX_RESULT_WINDOW}; narrow the query",
                field_name="page",
            )


class HitSchema(Schema):
    id = fields.String()
    title = fields.String()
    outlet = fields.String()
    published = fields.Date(allow_none=True)
    authors = fields.List(fields.String())
    people = fields.List(fields.String())
    url = SafeUrl(metadata={"description": "Link to the original: an http(s) URL or empty."})
    score = fields.Float(allow_none=True, metadata={"description": "BM25F score; null when "
                                                     "sorted by date or for an empty query."})
    snippet = fields.String(metadata={"description": "HTML-escaped text, <mark> around matches."})


class FacetBucketSchema(Schema):
    value = fields.String()
    count = fields.Integer()
    selected = fields.Boolean()


class DateBucketSchema(Schema):
    value = fields.String(metadata={"description": "2023-02-22, 2023-W08, 2023-02 or 2023."})
    start = fields.Date()
    end = fields.Date()
    count = fields.Integer()


class FacetsSchema(Schema):
    outlet = fields.List(fields.Nested(FacetBucketSchema))
    person = fields.List(fields.Nested(FacetBucketSchema))
    date = fields.List(fields.Nested(DateBucketSchema))


class SearchResponseSchema(Schema):
    total = fields.Integer()
    page = fields.Integer()
    per_page = fields.Integer()
    took_ms = fields.Float()
    results = fields.List(fields.Nested(HitSchema), attribute="hits")
    facets = fields.Nested(FacetsSchema)
    date_interval = fields.String(allow_none=True)
    suggestion = fields.String(allow_none=True)


class ArticleSchema(Schema):
    id = fields.String()
    title = fields.String()
    body = fields.String()
    outlet = fields.String()
    published = fields.Date(allow_none=True)
    authors = fields.List(fields.String())
    people = fields.List(fields.String())
    url = SafeUrl(metadata={"description": "Link to the original: an http(s) URL or empty."})


class HealthSchema(Schema):
    status = fields.String()
    generation = fields.String()
    documents = fields.Integer()


class FacetValuesArgsSchema(Schema):
    """Query-string parameters of GET /api/v1/facets/<field>."""

    prefix = fields.String(
        load_default="", validate=validate.Length(max=100),
        metadata={"description": "Start of any word of the value; case and accents ignored."},
    )
    size = fields.Integer(load_default=10, validate=validate.Range(min=1, max=100))


class FacetValueSchema(Schema):
    value = fields.String()
    count = fields.Integer()


class FacetValuesSchema(Schema):
    field = fields.String()
    prefix = fields.String()
    values = fields.List(fields.Nested(FacetValueSchema))


class SimilarArgsSchema(Schema):
    limit = fields.Integer(load_default=5, validate=validate.Range(min=1, max=50))


class SimilarSchema(Schema):
    id = fields.String()
    results = fields.List(fields.Nested(HitSchema))
