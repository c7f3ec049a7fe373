"""Speed-ups of index writing change nothing in the index: postings spilled to disk read
back exactly."""

from __future__ import annotations

from searchapp.engine import Indexer, IndexStore
from searchapp.ingest import SAMPLE_DIR, IngestReport, read_sources


def _postings(index_root) -> dict:
    """Every (field, term) -> {article id: posting value}, independent of document numbers."""
    with IndexStore(index_root).open_current().reader() as reader:
        ids = {n: fields["id"] for n, fields in reader.iter_docs()}
        found = {}
        for field, term in reader.all_terms():
            matcher = reader.postings(field, term)
            found[field, term] = {ids[d]: v for d, v in matcher.items_as("weight")}
            if reader.schema[field].format.supports("positions"):
                matcher = reader.postings(field, term)
                found[field, term, "positions"] = {
                    ids[d]: v for d, v in matcher.items_as("positions")}
        return found


def test_postings_spilled_to_disk_read_back_exactly(tmp_path):
    # 10 KB of writer memory holds about 60 postings: the sample's thousands are sorted in
    # many runs on disk and merged back.
    articles = list(read_sources([SAMPLE_DIR], IngestReport()))
    spilled, in_memory = tmp_path / "spilled", tmp_path / "in-memory"
    Indexer(IndexStore(spilled), memory_mb=0.01).rebuild(articles)
    Indexer(IndexStore(in_memory)).rebuild(articles)
    postings = _postings(spilled)
    assert len(postings) > 1000
    assert postings == _postings(in_memory)
