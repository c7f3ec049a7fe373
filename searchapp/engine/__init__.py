"""whoosh schema, indexer and searcher. Never imports Flask."""

from searchapp.engine.whoosh_compat import require_tested

require_tested()  # before any module that reads whoosh internals is imported


from searchapp.engine.errors import (  # noqa: E402
    BuildRefused,
    EngineError,
    IndexBusy,
    IndexNotBuilt,
    IndexUnavailable,
    InvalidParameter,
    InvalidQuery,
    QueryTimeout,
    QueryTooExpensive,
    RebuildRunning,
    TooManyBuckets,
    UnknownFacetField,
)
from searchapp.engine.indexer import BuildStats, Indexer  # noqa: E402
from searchapp.engine.searcher import Searcher  # noqa: E402
from searchapp.engine.store import IndexStore  # noqa: E402

__all__ = ["BuildRefused", "BuildStats", "EngineError", "Indexer", "IndexBusy", "IndexNotBuilt",
           "IndexStore", "IndexUnavailable", "InvalidParameter", "InvalidQuery", "QueryTimeout",
           "QueryTooExpensive", "RebuildRunning", "Searcher", "TooManyBuckets",
           "UnknownFacetField"]
