"""The read side: an open snapshot of the live generation, and what a query can ask of it.

A **snapshot** (`snapshots.py`) is one whoosh searcher over the live generation plus arrays
built once for it: each segment's postings, positions and field lengths (`postings.py`,
`segment_data.py`, memory-mapped), and the facet columns (`facets.py`: outlet, person and
declared values per document, each document's day). A serving worker keeps one snapshot and
moves to the next when the index changes, reusing every segment it already had; a request
holds the snapshot it started on until it ends.

Over a snapshot:

- `query.py` parses the user's text into a whoosh query that never fails on odd input
  (`published.py` adds `published:` dates);
- `budget.py` bounds what a request may cost (wildcard expansion, time);
- `fastpath.py` evaluates the query as NumPy masks and BM25F scores (`scoring.py`), for
  every query kind the API produces, faster than whoosh's own matchers;
- `facet_fields.py` puts every facet, date included, behind one protocol: the filter a
  request's selection makes, and the counts.

Nothing here decides the order of results or shapes them: that is `collect/`. Modules here
import only the engine's top-level format modules (schema, capture, declared, store...).
"""
