"""Where request handlers find the app's one Searcher."""

from __future__ import annotations

from flask import current_app

from searchapp.engine import Searcher

EXTENSION_KEY = "searchapp.searcher"


def searcher() -> Searcher:
    return current_app.extensions[EXTENSION_KEY]
