"""whoosh schema, indexer and searcher. Never imports Flask."""

from searchapp.engine.errors import (
    BuildRefused,
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
from searchapp.engine.indexer import BuildStats, Indexer
from searchapp.engine.searcher import Searcher
from searchapp.engine.store import IndexStore

__all__ = ["BuildRefused", "BuildStats", "Indexer", "IndexBusy", "IndexNotBuilt", "IndexStore",
           "IndexUnavailable", "InvalidParameter", "InvalidQuery", "QueryTimeout",
           "QueryTooExpensive", "RebuildRunning", "Searcher", "TooManyBuckets",
           "UnknownFacetField"]
