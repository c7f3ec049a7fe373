"""From matches to results: which documents a request selects, in what order, and what is
said about each.

A request's query text and filters select a mask of documents (`matching.py`), with BM25F
scores when the query has words. `ordering.py` holds the one ordering rule every listing
shares (search pages, `collapse=story`, the export): by score when relevance is asked and
something scores, else by date, ties in index order. `ranking.py` re-ranks the BM25 matches
by term proximity and pseudo-relevance feedback (`rank=`), and explains a score in its parts
(`explain=true`). `snippets.py` marks the query's words in short passages; `discovery.py`
gives autocomplete values, similar articles and "did you mean"; `research.py` counts
timelines and orders exports.

The disjunctive facet counts use `read/facet_fields.py` directly. `searcher.py` at the
engine's top composes these for each request. Modules here import `read/` and the
top-level modules, never `index/`.
"""
