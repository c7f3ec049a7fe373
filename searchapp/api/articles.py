"""GET /api/v1/articles/<id>: one whole article."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint, abort

from searchapp.api.engine_access import UNAVAILABLE, searcher
from searchapp.api.schemas import ArticleSchema

blp = Blueprint("articles", __name__, url_prefix="/api/v1", description="Single articles")


@blp.route("/articles/<string:article_id>")
class ArticleById(MethodView):
    @blp.response(200, ArticleSchema)
    @blp.alt_response(404, description="No article has this id")
    @blp.alt_response(503, description=UNAVAILABLE)
    def get(self, article_id: str):
        """Get an article with its full text"""
        article = searcher().article(article_id)
        if article is None:
            abort(404, message=f"no article with id {article_id!r}")
        return article
