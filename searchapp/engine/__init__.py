"""The search engine: articles into whoosh, and ranked, faceted answers out. Never imports
Flask; the API uses only what this package exports and `types.py`.

Three packages, by concern (as tantivy's `src/` is):

- `index/`: the write side (generations, segment writers, the rebuild journal, replicas);
- `read/`: an open snapshot of the live index and what a query can ask of it (postings,
  facet columns, the vectorised fast path, BM25F);
- `collect/`: from matches to results (the one ordering rule, re-ranking, snippets,
  suggestions, timelines and exports).

At this level: the public faces (`Indexer` from index/, `searcher.Searcher`, `store.IndexStore`),
what every layer shares (`errors.py`, `types.py`, `locks.py`), the one module that touches
whoosh's private names (`whoosh_compat.py`), and the index's on-disk format. whoosh pickles
the schema into every index's table of contents, naming `schema`, `english`, `capture` and
`declared` by module path, so those four never move: an index written by an earlier
release opens with this one. docs/engine.md is the guided tour.
"""

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
from searchapp.engine.index.indexer import BuildStats, Indexer  # noqa: E402
from searchapp.engine.searcher import Searcher  # noqa: E402
from searchapp.engine.store import IndexStore  # noqa: E402

__all__ = ["BuildRefused", "BuildStats", "EngineError", "Indexer", "IndexBusy", "IndexNotBuilt",
           "IndexStore", "IndexUnavailable", "InvalidParameter", "InvalidQuery", "QueryTimeout",
           "QueryTooExpensive", "RebuildRunning", "Searcher", "TooManyBuckets",
           "UnknownFacetField"]
