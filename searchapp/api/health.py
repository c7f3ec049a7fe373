"""GET /api/v1/health: is an index loaded, which generation, how many articles."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from searchapp.api.engine_access import UNAVAILABLE, searcher
from searchapp.api.schemas import HealthSchema

blp = Blueprint("health", __name__, url_prefix="/api/v1", description="Service health")


@blp.route("/health")
class Health(MethodView):
    @blp.response(200, HealthSchema)
    @blp.alt_response(503, description=UNAVAILABLE)
    def get(self):
        """Report the live index generation and its article count"""
        engine = searcher()
        return {"status": "ok", "generation": engine.generation(), "documents": engine.doc_count(),
                "facet_fields": engine.facet_fields()}
