"""The arrays written next to each segment hold exactly what whoosh holds: every term's
postings and positions, every document's field lengths and facet values, also after the
merges that many small adds and deletes cause; and the merges keep the segments few."""

from __future__ import annotations

from datetime import date

import pytest
from whoosh.util.numeric import byte_to_length, length_to_byte

from searchapp.article import Article
from searchapp.engine import Indexer, IndexStore, Searcher
from searchapp.engine.segment_data import SegmentData, segment_folder
from searchapp.engine.types import SearchRequest
from searchapp.pipeline import build_index

POSITIONAL = ("text", "title", "person_words", "outlet_words")
VALUES = ("outlet", "people", "day")


def _raw(segment, fieldname: str, term: bytes) -> tuple[list[int], list[list[int]]]:
    """whoosh's own postings of a term, deleted documents included."""
    fmt = segment.schema[fieldname].format
    matcher = segment._terms.matcher(fieldname, term, fmt)
    ids, positions = [], []
    while matcher.is_active():
        ids.append(matcher.id())
        if fmt.supports("positions"):
            positions.append(fmt.decode_positions(matcher.value()))
        matcher.next()
    return ids, positions


def assert_arrays_match_whoosh(root) -> int:
    """Check every segment; the number of segments."""
    store = IndexStore(root)
    ix = store.open_current()
    reader = ix.reader()
    leaves = list(reader.leaf_readers())
    for segment, _ in leaves:
        data = SegmentData.open(segment_folder(store.current_path(), segment.segment().segid))
        assert data is not None and data.doc_count == segment.doc_count_all()
        for name in POSITIONAL:
            arrays = data.field(name)
            terms = list(segment.lexicon(name))
            assert arrays.terms.all_terms() == [t.decode() for t in terms]
            for term in terms:
                ids, positions = _raw(segment, name, term)
                docs, freqs = arrays.postings(term)
                assert list(docs) == ids
                assert list(freqs) == [len(p) for p in positions]
                relative, values = arrays.term_positions(term)
                assert [list(values[relative[i]:relative[i + 1]])
                        for i in range(len(relative) - 1)] == positions
            for doc in range(segment.doc_count_all()):
                stored = segment.doc_field_length(doc, name, 0) or 0
                assert stored == byte_to_length(length_to_byte(int(arrays.lengths[doc])))
        for name in VALUES:
            values, docs, value_ids = data.values(name)
            ours = sorted((int(d), values[int(v)]) for d, v in zip(docs, value_ids, strict=True))
            theirs = sorted((d, t.decode()) for t in segment.lexicon(name)
                            for d in _raw(segment, name, t)[0])
            assert ours == theirs, name
    ix.close()
    return len(leaves)


def article(i: int, **extra) -> Article:
    return Article(id=f"a{i}", title=f"Story {i} about zanzibarite",
                   body=f"Sergey Lavrov met Wang Yi in Moscow about trade number {i}. "
                        "Zanzibarite, said Lavrov.", outlet=f"Wire {i % 3}",
                   published=date(2023, 1 + i % 12, 1 + i % 28),
                   people=["Sergey Lavrov", "Wang Yi"], **extra)


def test_a_rebuild_writes_arrays_equal_to_whooshs(sample_index):
    assert assert_arrays_match_whoosh(sample_index) >= 1


def test_a_large_rebuild_is_written_in_capped_segments_with_exact_arrays(tmp_path):
    store = IndexStore(tmp_path)
    articles = [article(i) for i in range(120)] + [article(5, authors=["Repeated Id"])]
    stats = Indexer(store, segment_docs=50).rebuild(articles)
    assert (stats.indexed, stats.replaced) == (120, 1)
    assert assert_arrays_match_whoosh(tmp_path) >= 3
    searcher = Searcher(store)
    assert searcher.doc_count() == 120
    assert searcher.article("a5").authors == ["Repeated Id"]


def test_many_small_adds_and_deletes_stay_exact_and_the_segments_few(tmp_path):
    store = IndexStore(tmp_path)
    indexer = Indexer(store)
    indexer.rebuild([article(i) for i in range(30)])
    deleted = set()
    for i in range(30, 70):
        indexer.upsert([article(i)])
        if i % 7 == 0:
            indexer.delete([f"a{i - 20}"])
            deleted.add(i - 20)
        if i % 11 == 0:
            indexer.upsert([article(i - 5, authors=["Replaced Version"])])
    segments = assert_arrays_match_whoosh(tmp_path)
    assert segments <= 10, f"{segments} segments after 40 commits"
    searcher = Searcher(store)
    assert searcher.doc_count() == 70 - len(deleted)
    assert searcher.search(SearchRequest(q="zanzibarite")).total == 70 - len(deleted)


def test_an_index_from_before_the_arrays_still_serves_the_same_answers(tmp_path):
    from whoosh import index as whoosh_index
    from whoosh.formats import Positions
    from whoosh.writing import SegmentWriter

    from searchapp.engine.schema import article_to_document, build_schema

    articles = [article(i) for i in range(12)]
    new = tmp_path / "new"
    Indexer(IndexStore(new)).rebuild(articles)
    old = tmp_path / "old"
    schema = build_schema()
    for name in POSITIONAL:  # what an index written by an older version holds
        schema[name].format = Positions(field_boost=schema[name].format.field_boost)
    generation = old / "gen-20261101T000000-olderversion"
    generation.mkdir(parents=True)
    ix = whoosh_index.create_in(str(generation), schema)
    writer = SegmentWriter(ix)
    for a in articles:
        writer.add_document(**article_to_document(a))
    writer.commit()
    (old / "CURRENT").write_text(generation.name + "\n")
    assert not (generation / "derived").exists()

    for q in ["zanzibarite", '"sergey lavrov"', "lavrov OR trade", "wire*", "published:2023-03"]:
        request = SearchRequest(q=q, per_page=20)
        ours = Searcher(IndexStore(old)).search(request)
        reference = Searcher(IndexStore(new)).search(request)
        assert [(h.id, h.score) for h in ours.hits] == [(h.id, h.score) for h in reference.hits]
        assert ours.facets == reference.facets
    assert [h.id for h in Searcher(IndexStore(old)).similar("a1", 5)] == \
        [h.id for h in Searcher(IndexStore(new)).similar("a1", 5)]
    # and the next write to it is an ordinary one (its new segment gets arrays)
    Indexer(IndexStore(old)).upsert([article(99)])
    assert Searcher(IndexStore(old)).doc_count() == 13


@pytest.mark.parametrize("q", ['"wang yi"', "person:lavrov", "title:zanzibarite"])
def test_a_new_article_is_found_by_every_path_after_an_add(tmp_path, q):
    store = IndexStore(tmp_path)
    build_index(store)
    searcher = Searcher(store)
    before = searcher.search(SearchRequest(q=q)).total
    Indexer(store).upsert([article(1)])
    assert searcher.search(SearchRequest(q=q)).total == before + 1
