"""Where request handlers find the app's one Searcher."""

from __future__ import annotations

from flask import current_app

from searchapp.engine import Searcher

EXTENSION_KEY = "searchapp.searcher"
UNAVAILABLE = ("No index to serve (never built, or its pointer or files are damaged), or the "
               "request ran out of its time budget (then Retry-After is set)")


def searcher() -> Searcher:
    return current_app.extensions[EXTENSION_KEY]
