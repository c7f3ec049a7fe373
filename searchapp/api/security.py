"""Response headers that keep stored text from running as script, and CORS by configuration.

The page and the API docs load scripts and styles only from this origin (no inline script:
the docs' start-up script is a file too), and articles' text is never sniffed as HTML.
Cross-origin calls are refused unless the operator names the origins allowed
(SEARCHAPP_CORS_ORIGINS), handled by flask-cors.
"""

from __future__ import annotations

from flask import Flask, Response, request
from flask_cors import CORS

CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])
HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    # Searches are in page URLs: an article's site never learns what led a reader to it.
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
}


def secure(app: Flask, cors_origins: tuple[str, ...]) -> None:
    """Add the headers to every response and allow CORS from `cors_origins` only."""
    if cors_origins:
        CORS(app, resources={r"/api/*": {"origins": list(cors_origins)}}, max_age=600)

    @app.after_request
    def add_headers(response: Response) -> Response:
        for name, value in HEADERS.items():
            response.headers.setdefault(name, value)
        if request.method == "OPTIONS" and response.status_code == 200 \
                and not response.get_data():
            # Flask's automatic OPTIONS answer is an empty text/html page: say it plainly.
            response.status_code = 204
            response.headers.pop("Content-Type", None)
        return response
