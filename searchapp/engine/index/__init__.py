"""The write side: articles into whoosh segments, and generations switched atomically.

A **generation** is one complete whoosh index in a folder of its own under the index root
(`store.py`); `CURRENT` names the live one. A rebuild (`indexer.Indexer.rebuild`) writes a
new generation next to the live one, with whoosh's multiprocess writer, and switches
`CURRENT` only once its commit is on disk: readers see the old index or the new, never a
half-built one, and a killed build leaves the live index as it was. An add or delete
(`Indexer.upsert`, `Indexer.delete`) commits to the live generation at once.

Each **segment** whoosh writes also gets arrays of our own beside it (`segment_writer.py`
writes what `read/segment_data.py` reads: word positions, facet values, story numbers), so
that serving workers read memory-mapped NumPy arrays instead of whoosh's pickles.

While a rebuild runs, adds and deletes are journaled (`journal.py`) and replayed into the
new generation before it goes live; `id_changes.py` says what a rebuild keeps, removes and
adds. `stories.py` gives each article its story (near-duplicate syndicated copies) as it is
indexed. `replica.py` copies the live generation to another root (`index sync`), and
`posting_runs.py` speeds up whoosh's external sort of postings.

Modules here import the engine's top-level format modules and `read/`, never `collect/`.
"""
