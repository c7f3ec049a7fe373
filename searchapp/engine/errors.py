"""What the engine refuses to do, as exceptions the CLI and the API turn into messages.

None of these is a bug: each says what the operator or the client can change.
"""

from __future__ import annotations


class EngineError(Exception):
    """The root of every refusal the engine makes: a caller that does not care which one
    (a CLI's last line of defence, a script) catches this; each also keeps the builtin base
    it always had (LookupError, ValueError, RuntimeError), so older handlers still match."""


class IndexUnavailable(EngineError, LookupError):
    """There is no generation that can be served (the API answers 503)."""


class IndexNotBuilt(IndexUnavailable):
    """There is no live generation yet: the index has never been built."""


class IndexBusy(EngineError, RuntimeError):
    """Another process holds the index's write lock for longer than we wait."""


class RebuildRunning(IndexBusy):
    """Another rebuild of the same index root is in progress."""


class BuildRefused(EngineError, RuntimeError):
    """A finished build was not switched live (nothing indexed, or a large shrink)."""


class InvalidQuery(EngineError, ValueError):
    """The query text cannot be answered as written (the API answers 422 naming `q`)."""


class QueryTooExpensive(InvalidQuery):
    """A wildcard, prefix or range matches more indexed words than a request may expand."""


class QueryTimeout(EngineError, RuntimeError):
    """The request used up its time budget (the API answers 503: narrow it or retry)."""


class TooManyBuckets(InvalidQuery):
    """A timeline would have more periods than a chart can show (a day interval over
    centuries of outlier dates)."""


class InvalidParameter(EngineError, ValueError):
    """A request parameter this index cannot answer (the API answers 422 naming it)."""

    def __init__(self, parameter: str, message: str):
        self.parameter = parameter
        super().__init__(message)


class UnknownFacetField(InvalidParameter):
    """A request names a facet field the index does not have (the 422 lists the fields it
    has)."""

    def __init__(self, parameter: str, name: str, known: list[str]):
        self.name, self.known = name, known
        what = ("not a parameter of this endpoint nor a facet field of this index"
                if parameter == name else f"unknown facet field {name!r}")
        super().__init__(parameter, f"{what}; this index's facets: {', '.join(known)}")
