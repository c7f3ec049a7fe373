"""Which article links may be stored and served: absolute http(s) URLs, nothing else.

A `javascript:` link (or `JaVaScRiPt:`, or `java\\tscript:`, which browsers read the same
after dropping the tab) on the page's "Original article" would run script in the app's
origin. Ingest drops such values and the API filters them again on the way out, so an
index written by an older version cannot serve one either.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

MAX_URL_CHARS = 2048
# Control characters and whitespace: browsers strip or ignore them inside a URL's scheme.
_HIDDEN = re.compile(r"[\x00-\x20\x7f-\x9f]")
SAFE_SCHEMES = ("http", "https")


def safe_url(value: object) -> str:
    """`value` when it is an absolute http: or https: URL with a host, else ''."""
    if not isinstance(value, str):
        return ""
    url = value.strip()
    if not url or len(url) > MAX_URL_CHARS or _HIDDEN.search(url):
        return ""
    try:
        parts = urlsplit(url)
    except ValueError:
        return ""
    if parts.scheme.lower() not in SAFE_SCHEMES or not parts.netloc:
        return ""
    return url
