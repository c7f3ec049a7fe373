"""Every error the app can answer, as JSON in flask-smorest's shape.

`{"code", "status", "message"}` and, for a request that can be fixed, `errors` naming
the parameter, as the schema validation does: a client reads every error the same way.
"""

from __future__ import annotations

from flask import Flask, jsonify
from werkzeug.exceptions import MethodNotAllowed

from searchapp.engine import (
    IndexUnavailable,
    InvalidParameter,
    InvalidQuery,
    QueryTimeout,
    TooManyBuckets,
)

RETRY_AFTER_SECONDS = "1"


def _json(code: int, status: str, message: str, **extra):
    return jsonify({"code": code, "status": status, "message": message, **extra}), code


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(MethodNotAllowed)
    def method_not_allowed(error):
        # flask-smorest's JSON drops the Allow header a 405 must carry
        body, code = _json(405, "Method Not Allowed", "Use one of the allowed methods.")
        body.headers["Allow"] = ", ".join(sorted(error.valid_methods or ["GET"]))
        return body, code

    @app.errorhandler(IndexUnavailable)
    def index_unavailable(error):
        return _json(503, "Service Unavailable", str(error))

    @app.errorhandler(InvalidQuery)
    def invalid_query(error):
        return _json(422, "Unprocessable Entity", "The query cannot be answered as written.",
                     errors={"query": {"q": [str(error)]}})

    @app.errorhandler(TooManyBuckets)
    def too_many_buckets(error):
        return _json(422, "Unprocessable Entity", "The timeline would have too many periods.",
                     errors={"query": {"date_interval": [str(error)]}})

    @app.errorhandler(InvalidParameter)
    def invalid_parameter(error):
        return _json(422, "Unprocessable Entity", "The request's parameters are invalid.",
                     errors={"query": {error.parameter: [str(error)]}})

    @app.errorhandler(QueryTimeout)
    def query_timeout(error):
        body, code = _json(503, "Service Unavailable", str(error))
        body.headers["Retry-After"] = RETRY_AFTER_SECONDS
        return body, code
