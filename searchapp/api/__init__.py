"""The Flask app: API blueprints, OpenAPI docs from local assets, and the search page."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import swagger_ui_bundle
from flask import Flask, request, send_from_directory
from flask_smorest import Api, abort

from searchapp import __version__
from searchapp.api import articles, discovery, health, research, search
from searchapp.api.engine_access import EXTENSION_KEY
from searchapp.api.errors import register_error_handlers
from searchapp.api.security import secure
from searchapp.config import Settings
from searchapp.engine import IndexStore, Searcher

WEB_DIR = Path(__file__).resolve().parent.parent / "web" / "static"
TEMPLATES_DIR = WEB_DIR.parent / "templates"  # our swagger_ui.html: no inline script
DOCS_ASSETS = "/api/v1/docs/assets/"
MAX_BODY_BYTES = 64 * 1024  # no endpoint takes a body: a larger one is refused unread


def create_app(index_dir: str | os.PathLike | None = None, warm: bool = False) -> Flask:
    """Build the WSGI app serving the index in `index_dir` (else from the environment).

    `warm` opens the index at once and follows it from a background thread (`warm_app`
    does the same later: gunicorn's settings call it in each worker after the fork, since
    the app itself is loaded once in the master). Without it, the first request opens the
    index and each request reopens it if it changed."""
    settings = Settings.from_env(index_dir)
    app = Flask(__name__, static_folder=None, template_folder=str(TEMPLATES_DIR))
    # `/api/v1//search` is a 404 JSON, not werkzeug's HTML redirect to `/api/v1/search`.
    app.url_map.merge_slashes = False
    app.config.update(
        API_TITLE="searchapp",
        API_VERSION=__version__,
        OPENAPI_VERSION="3.0.3",
        OPENAPI_URL_PREFIX="/api/v1",
        OPENAPI_JSON_PATH="openapi.json",
        OPENAPI_SWAGGER_UI_PATH="docs",
        OPENAPI_SWAGGER_UI_URL=DOCS_ASSETS,
        JSON_SORT_KEYS=False,
        MAX_CONTENT_LENGTH=MAX_BODY_BYTES,
    )
    app.json.sort_keys = False
    app.json.ensure_ascii = False  # UTF-8 JSON: "China’s", not "China\u2019s", in every answer
    app.extensions[EXTENSION_KEY] = Searcher(
        IndexStore(settings.index_dir, settings.keep_generations),
        budget_seconds=settings.request_budget,
    )
    if warm:
        warm_app(app)
    api = Api(app)
    for module in (search, articles, discovery, research, health):
        api.register_blueprint(module.blp)
    register_error_handlers(app)
    secure(app, settings.cors_origins)

    @app.before_request
    def refuse_large_bodies():
        # MAX_CONTENT_LENGTH acts only when a body is read, and no endpoint reads one: a
        # GET with 2 MB attached was answered 200. Refused from its Content-Length, unread.
        if (request.content_length or 0) > MAX_BODY_BYTES:
            abort(413, message=f"request bodies are limited to {MAX_BODY_BYTES // 1024} KiB, "
                               "and no endpoint takes one: send parameters in the query string")

    @app.get(DOCS_ASSETS + "<path:filename>")
    def docs_assets(filename: str):
        return send_from_directory(swagger_ui_bundle.swagger_ui_path, filename)

    @app.get("/")
    def page():
        return send_from_directory(WEB_DIR, "index.html")

    @app.get("/favicon.ico")
    def favicon():  # browsers ask for it whatever the page links
        return send_from_directory(WEB_DIR, "favicon.svg", mimetype="image/svg+xml")

    @app.get("/static/<path:filename>")
    def static_files(filename: str):
        return send_from_directory(WEB_DIR, filename)

    return app


def warm_app(app: Flask) -> None:
    """Open the app's index in a background thread and keep following it (servers)."""
    threading.Thread(target=app.extensions[EXTENSION_KEY].warm, daemon=True,
                     name="searchapp-warm").start()
