"""whoosh schema, indexer and searcher. Never imports Flask."""

from searchapp.engine.indexer import BuildStats, IndexBusy, Indexer
from searchapp.engine.searcher import Searcher
from searchapp.engine.store import IndexNotBuilt, IndexStore

__all__ = ["BuildStats", "Indexer", "IndexBusy", "IndexNotBuilt", "IndexStore", "Searcher"]
