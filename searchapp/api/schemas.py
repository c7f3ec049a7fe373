"""marshmallow schemas: they validate every request and shape every response."""

from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, post_dump, validate, validates_schema

from searchapp.engine.types import (
    COLLAPSE,
    COUNT_BY,
    DATE_INTERVALS,
    FACET_FIELDS,
    RANKINGS,
    SORTS,
)
from searchapp.urls import safe_url

MAX_QUERY_CHARS = 1000
MAX_RESULT_WINDOW = 10_000
MAX_FILTER_VALUES = 50
MAX_FACET_VALUE_CHARS = 300
_FACET_NAME = "[a-z][a-z0-9_]{0,31}"
FACETS_PATTERN = f"^({_FACET_NAME}(,{_FACET_NAME})*)?$"
FACET_VALUE = fields.String(validate=validate.Length(min=1, max=MAX_FACET_VALUE_CHARS))


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


def declared_values_field() -> fields.Dict:
    """An article's values of each declared facet field, as `fields` in the JSON."""
    return fields.Dict(keys=fields.String(), values=fields.List(fields.String()),
                       attribute="fields", data_key="fields",
                       metadata={"description": "The article's values of each declared "
                                                "facet field."})


def sort_field() -> fields.String:
    return fields.String(load_default="relevance", validate=validate.OneOf(SORTS))


def rank_field() -> fields.String:
    return fields.String(
        load_default="best", validate=validate.OneOf(RANKINGS),
        metadata={"description": "How relevance is ranked: `best` (default: BM25F plus term "
                  "proximity, and pseudo-relevance feedback for questions of three or more "
                  "plain words), `bm25` (BM25F alone), `proximity` or `feedback` (one of "
                  "the two). Only with sort=relevance; never changes which articles match."})


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
    rank = rank_field()
    explain = fields.Boolean(load_default=False, metadata={
        "description": "Add each ranked hit's `explanation`: the parts of its score (BM25F "
                       "per field, proximity, feedback and its words), which add up to it."})
    page = fields.Integer(load_default=1, validate=validate.Range(min=1))
    per_page = fields.Integer(load_default=10, validate=validate.Range(min=1, max=100))
    # A string, not an array: "facets=" (no facets) and "facets=outlet" read the same on
    # the wire as an empty and a one-item array, and a pattern documents both exactly.
    facets = fields.String(
        load_default=None,
        validate=validate.Regexp(FACETS_PATTERN, error="Use a comma list of facet names: "
                                 f"{', '.join(FACET_FIELDS)} or a declared facet field "
                                 "(empty for none)."),
        metadata={"description": f"Comma list of facets to count: {','.join(FACET_FIELDS)} "
                                 "and any facet field the index declares (built with "
                                 "`--facet-field`; GET /api/v1/health lists them). Default: "
                                 "all of them; empty for none. An unknown name is a 422 "
                                 "listing the index's facets.",
                  "pattern": FACETS_PATTERN},
    )
    facet_size = fields.Integer(load_default=10, validate=validate.Range(min=1, max=100))
    date_interval = fields.String(
        load_default=None, validate=validate.OneOf(DATE_INTERVALS),
        metadata={"description": "Date histogram bucket size; chosen from the data if absent."},
    )
    collapse = fields.String(
        load_default=None, validate=validate.OneOf(COLLAPSE),
        metadata={"description": "`story`: one result per story cluster (syndicated and "
                  "near-duplicate copies share a story), its best-ranked copy, with `copies`; "
                  "`total` then counts stories. Only with sort=relevance."},
    )
    count_by = fields.String(
        load_default="article", validate=validate.OneOf(COUNT_BY),
        metadata={"description": "What facet counts count: `article` (default) or `story` "
                  "(distinct story clusters: how many stories each outlet ran)."},
    )

    @validates_schema
    def _check_collapse(self, data, **kwargs):
        if data.get("collapse") and data.get("sort", "relevance") != "relevance":
            raise ValidationError("collapse=story keeps each story's best-ranked copy: use "
                                  "it with sort=relevance", field_name="collapse")

    @validates_schema
    def _check_window(self, data, **kwargs):
        page, per_page = data.get("page", 1), data.get("per_page", 10)
        if page * per_page > MAX_RESULT_WINDOW:
            raise ValidationError(
                f"page * per_page must be at most {MAX_RESULT_WINDOW}; narrow the query",
                field_name="page",
            )


class CopySchema(Schema):
    id = fields.String()
    title = fields.String()
    outlet = fields.String()


class CopiesSchema(Schema):
    count = fields.Integer(metadata={"description": "Other matching copies of the story."})
    articles = fields.List(fields.Nested(CopySchema), metadata={
        "description": "Up to 10 of them, best-ranked first."})


class FeedbackTermSchema(Schema):
    term = fields.String(metadata={"description": "The word as indexed (stemmed)."})
    word = fields.String(metadata={"description": "The word as the top results most often "
                                                  "write it (lowercased)."})
    weight = fields.Float(metadata={"description": "Its weight in the feedback query."})
    score = fields.Float(metadata={"description": "What it adds to this hit's score."})


class ExplanationSchema(Schema):
    bm25 = fields.Dict(keys=fields.String(), values=fields.Float(), metadata={
        "description": "BM25F by field: `text` (headline and body), `title` (the headline "
                       "bonus)."})
    proximity = fields.Float(metadata={"description": "Query words found near each other."})
    feedback = fields.Float(metadata={"description": "The feedback words' BM25 (the sum "
                                                     "of feedback_terms' scores)."})
    feedback_terms = fields.List(fields.Nested(FeedbackTermSchema))


class HitSchema(Schema):
    id = fields.String()
    title = fields.String()
    outlet = fields.String()
    published = fields.Date(allow_none=True)
    authors = fields.List(fields.String())
    people = fields.List(fields.String())
    url = SafeUrl(metadata={"description": "Link to the original: an http(s) URL or empty."})
    score = fields.Float(allow_none=True, metadata={"description": "Relevance score (see "
                         "`rank`); null when sorted by date or for an empty query."})
    snippet = fields.String(metadata={"description": "HTML-escaped text, <mark> around matches."})
    declared = declared_values_field()
    story = fields.String(metadata={"description": "The story cluster: the id of its first "
                                                   "copy (empty for an index without them)."})
    copies = fields.Nested(CopiesSchema, allow_none=True, metadata={
        "description": "With collapse=story: the story's other matching copies."})
    explanation = fields.Nested(ExplanationSchema, allow_none=True, metadata={
        "description": "With explain=true, for a hit ranked by score: its parts."})


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
    """The core facets by name, then one list of buckets per declared facet field."""

    outlet = fields.List(fields.Nested(FacetBucketSchema))
    person = fields.List(fields.Nested(FacetBucketSchema))
    date = fields.List(fields.Nested(DateBucketSchema))

    @post_dump(pass_original=True)
    def _declared(self, data: dict, original: dict, **kwargs) -> dict:
        buckets = FacetBucketSchema(many=True)
        for name, values in original.items():
            if name not in self.fields:
                data[name] = buckets.dump(values)
        return data


class SearchResponseSchema(Schema):
    total = fields.Integer()
    page = fields.Integer()
    per_page = fields.Integer()
    took_ms = fields.Float()
    articles = fields.Integer(metadata={"description": "Matching articles (equal to total "
                                                       "unless collapse=story)."})
    results = fields.List(fields.Nested(HitSchema), attribute="hits")
    facets = fields.Nested(FacetsSchema, metadata={
        "description": "Buckets per facet asked for: outlet, person, date, and each declared "
                       "facet field by its name (same shape as outlet)."})
    date_interval = fields.String(allow_none=True)
    suggestion = fields.String(allow_none=True)


class ArticleSchema(Schema):
    id = fields.String()
    story = fields.String(metadata={"description": "The story cluster (see /search)."})
    title = fields.String()
    body = fields.String()
    outlet = fields.String()
    published = fields.Date(allow_none=True)
    authors = fields.List(fields.String())
    people = fields.List(fields.String())
    url = SafeUrl(metadata={"description": "Link to the original: an http(s) URL or empty."})
    declared = declared_values_field()


class HealthSchema(Schema):
    status = fields.String()
    generation = fields.String()
    documents = fields.Integer()
    facet_fields = fields.List(fields.String(), metadata={
        "description": "The facets this index counts: outlet, person, date, then the fields "
                       "declared at build time (`--facet-field`), which filter by name."})


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
