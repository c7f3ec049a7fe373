"""Every facet, date included, behind one protocol: the facet's own selection is the filter
/search applies, and its counts are what /search reports for it."""

from __future__ import annotations

from dataclasses import replace

from searchapp.engine import IndexStore, Searcher
from searchapp.engine.collect.matching import filter_masks
from searchapp.engine.read.snapshots import open_snapshot
from searchapp.engine.types import SearchRequest


def test_each_facet_selects_and_counts_as_search_does(sample_index):
    snap = open_snapshot(IndexStore(sample_index), {})
    searcher = Searcher(IndexStore(sample_index))
    everything = SearchRequest(q="", per_page=50)
    assert list(snap.facets) == ["outlet", "person", "date"]
    result = searcher.search(everything)
    for name, facet in snap.facets.items():
        buckets, interval = facet.counts(snap.columns.live, everything, None)
        assert buckets == result.facets[name], name
        assert (interval is not None) == (name == "date") == (facet.values is None)
        assert facet.selection(everything) is None  # selects nothing: no filter
        first = buckets[0]
        if name == "date":
            selecting = replace(everything, date_from=first.start, date_to=first.end)
        elif name == "outlet":
            selecting = replace(everything, outlets=[first.value])
        else:
            selecting = replace(everything, people=[first.value])
        mask = facet.selection(selecting)
        assert list(filter_masks(snap, selecting)) == [name]
        hits = searcher.search(selecting)
        assert int(mask.sum()) == hits.total == first.count, name
        ids = {snap.searcher.stored_fields(d)["id"] for d in mask.nonzero()[0].tolist()}
        assert ids == {hit.id for hit in hits.hits}
