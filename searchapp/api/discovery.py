"""Facet values for autocomplete and more-like-this articles."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint, abort
from marshmallow import RAISE

from searchapp.api.engine_access import UNAVAILABLE, searcher
from searchapp.api.schemas import (
    FacetValuesArgsSchema,
    FacetValuesSchema,
    SimilarArgsSchema,
    SimilarSchema,
)
from searchapp.engine import UnknownFacetField

blp = Blueprint("discovery", __name__, url_prefix="/api/v1",
                description="Autocomplete and related articles")

@blp.route("/facets/<string:field>")
class FacetValues(MethodView):
    @blp.arguments(FacetValuesArgsSchema, location="query", as_kwargs=True, unknown=RAISE)
    @blp.response(200, FacetValuesSchema)
    @blp.alt_response(404, description="Not a facet with values (outlet, person or a "
                      "declared facet field)")
    @blp.alt_response(503, description=UNAVAILABLE)
    def get(self, field: str, prefix: str, size: int):
        """Facet values matching a prefix, with article counts (for autocomplete)"""
        try:
            values = searcher().facet_values(field, prefix, size)
        except UnknownFacetField as error:
            abort(404, message=f"no facet {field!r}: use one of {', '.join(error.known)}")
        return {"field": field, "prefix": prefix, "values": values}


@blp.route("/articles/<string:article_id>/similar")
class Similar(MethodView):
    @blp.arguments(SimilarArgsSchema, location="query", as_kwargs=True, unknown=RAISE)
    @blp.response(200, SimilarSchema)
    @blp.alt_response(404, description="No article has this id")
    @blp.alt_response(503, description=UNAVAILABLE)
    def get(self, article_id: str, limit: int):
        """Articles most like this one (more-like-this over its key terms)"""
        results = searcher().similar(article_id, limit)
        if results is None:
            abort(404, message=f"no article with id {article_id!r}")
        return {"id": article_id, "results": results}
