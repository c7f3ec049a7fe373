"""GET /api/v1/search: ranked results with disjunctive facet counts."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import INCLUDE

from searchapp.api.declared_filters import DESCRIPTION as DECLARED
from searchapp.api.declared_filters import declared_filters
from searchapp.api.engine_access import UNAVAILABLE, searcher
from searchapp.api.schemas import SearchArgsSchema, SearchResponseSchema
from searchapp.engine.types import SearchRequest

blp = Blueprint("search", __name__, url_prefix="/api/v1", description="Full-text search")


@blp.route("/search")
class Search(MethodView):
    @blp.arguments(SearchArgsSchema, location="query", as_kwargs=True, unknown=INCLUDE)
    @blp.response(200, SearchResponseSchema)
    @blp.alt_response(503, description=UNAVAILABLE)
    def get(self, **args):
        """Search articles

        Facet counts are disjunctive: each facet is counted with every filter applied
        except its own, so a page can offer multi-select checkboxes.
        """
        request = SearchRequest(
            q=args["q"],
            outlets=args["outlet"],
            people=args["person"],
            date_from=args["date_from"],
            date_to=args["date_to"],
            sort=args["sort"],
            page=args["page"],
            per_page=args["per_page"],
            facets=None if args["facets"] is None
            else tuple(dict.fromkeys(f for f in args["facets"].split(",") if f)),
            facet_size=args["facet_size"],
            date_interval=args["date_interval"],
            fields=declared_filters(SearchArgsSchema),
            collapse=args["collapse"],
            count_by=args["count_by"],
            rank=args["rank"],
            explain=args["explain"],
        )
        return searcher().search(request)


Search.get.__doc__ += f"\n{DECLARED}\n"  # a docstring cannot be an f-string
