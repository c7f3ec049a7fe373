"""The arrays written next to each segment hold exactly what whoosh holds (every term's
postings, every document's field lengths and facet values) and the word positions the
analyzer gives for each stored document, also after the merges that many small adds and
deletes cause; and the merges keep the segments few."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest
from whoosh.formats import tokens
from whoosh.util.numeric import byte_to_length, length_to_byte

from searchapp.article import Article
from searchapp.engine import Indexer, IndexStore, IndexUnavailable, Searcher
from searchapp.engine.read.segment_data import SegmentData, map_array, segment_folder
from searchapp.engine.read.snapshots import open_snapshot
from searchapp.engine.schema import split_list
from searchapp.engine.types import SearchRequest
from searchapp.pipeline import build_index
from tests.reference import old_format_index

POSITIONAL = ("text", "title", "person_words", "outlet_words")
VALUES = ("outlet", "people", "day")


def _raw(segment, fieldname: str, term: bytes) -> tuple[list[int], list[float]]:
    """whoosh's own postings of a term (documents, frequencies), deleted ones included."""
    fmt = segment.schema[fieldname].format
    matcher = segment._terms.matcher(fieldname, term, fmt)
    ids, freqs = [], []
    while matcher.is_active():
        ids.append(matcher.id())
        freqs.append(matcher.weight())
        matcher.next()
    return ids, freqs


def _field_texts(stored: dict) -> dict[str, str]:
    """What each positional field of a document was indexed from (schema.article_to_document)."""
    people = split_list(stored.get("people"))
    return {"text": f"{stored.get('title', '')}\n{stored.get('body', '')}",
            "title": stored.get("title", ""), "person_words": "\n".join(people),
            "outlet_words": stored.get("outlet", "")}


def _analysed(schema, fieldname: str, text: str) -> dict[str, list[int]]:
    positions: dict[str, list[int]] = {}
    for token in tokens(text, schema[fieldname].analyzer, {"positions": True, "mode": "index"}):
        positions.setdefault(token.text, []).append(token.pos)
    return positions


def assert_arrays_match_whoosh(root) -> int:
    """Check every segment; the number of segments."""
    store = IndexStore(root)
    ix = store.open_current()
    reader = ix.reader()
    leaves = list(reader.leaf_readers())
    for segment, _ in leaves:
        data = SegmentData.open(segment_folder(store.current_path(), segment.segment().segid))
        assert data is not None and data.doc_count == segment.doc_count_all()
        expected = {name: {} for name in POSITIONAL}  # term -> {doc: positions}
        for doc in range(segment.doc_count_all()):
            for name, text in _field_texts(segment.stored_fields(doc)).items():
                for term, positions in _analysed(segment.schema, name, text).items():
                    expected[name].setdefault(term, {})[doc] = positions
        for name in POSITIONAL:
            arrays = data.field(name)
            terms = list(segment.lexicon(name))
            assert arrays.terms.all_terms() == [t.decode() for t in terms]
            for term in terms:
                ids, freqs = _raw(segment, name, term)
                docs, our_freqs = arrays.postings(term)
                assert list(docs) == ids
                assert list(our_freqs) == freqs
                relative, values = arrays.term_positions(term)
                ours = {int(d): list(values[relative[i]:relative[i + 1]])
                        for i, d in enumerate(docs)}
                assert ours == expected[name][term.decode()], (name, term)
            for doc in range(segment.doc_count_all()):
                stored = segment.doc_field_length(doc, name, 0) or 0
                assert stored == byte_to_length(length_to_byte(int(arrays.lengths[doc])))
        for name in VALUES:
            found = data.values(name)
            ours = sorted((int(d), found.values[int(v)])
                          for d, v in zip(found.docs, found.value_ids, strict=True))
            theirs = sorted((d, t.decode()) for t in segment.lexicon(name)
                            for d in _raw(segment, name, t)[0])
            assert ours == theirs, name
            by_value = sorted((int(d), found.values[v]) for v in range(len(found.values))
                              for d in found.value_docs[found.value_offsets[v]:
                                                        found.value_offsets[v + 1]])
            assert by_value == theirs, name
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
    assert (stats.indexed, stats.duplicates) == (120, 1)
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
    articles = [article(i) for i in range(12)]
    new = tmp_path / "new"
    Indexer(IndexStore(new)).rebuild(articles)
    old = old_format_index(tmp_path / "old", articles)
    assert not (IndexStore(old).current_path() / "derived").exists()

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


def test_a_merge_that_would_lose_positions_is_refused_and_changes_nothing(tmp_path):
    import shutil

    from searchapp.engine.index.segment_writer import MissingArrays

    store = IndexStore(tmp_path)
    indexer = Indexer(store)
    indexer.rebuild([article(i) for i in range(3)])
    indexer.upsert([article(3)])
    derived = store.current_path() / "derived"
    for folder in derived.iterdir():
        shutil.rmtree(folder)  # what a careless cleanup does
    with pytest.raises(IndexUnavailable, match="rebuild the index"):
        Searcher(store).doc_count()  # answers would silently miss phrases: a 503 says why
    with pytest.raises(MissingArrays, match="rebuild the index"):
        for i in range(4, 12):  # small segments get merged sooner or later
            indexer.upsert([article(i)])
    Indexer(store).rebuild([article(i) for i in range(12)])  # the lock was released
    assert Searcher(store).doc_count() == 12


def test_a_truncated_array_file_is_a_damaged_index_not_a_failed_query(tmp_path):
    store = IndexStore(tmp_path)
    Indexer(store).rebuild([article(i) for i in range(3)])
    for path in (store.current_path() / "derived").rglob("text.positions.npy"):
        path.write_bytes(path.read_bytes()[:-8])  # a disk that filled up, a copy cut short
    with pytest.raises(IndexUnavailable, match="cannot be read"):
        open_snapshot(store, {}, warm=True)  # a server's worker: found when it opens
    with pytest.raises(IndexUnavailable, match="rebuild the index"):
        Searcher(store).search(SearchRequest(q='"trade number"'))  # elsewhere: when read


@pytest.mark.parametrize("array", [
    np.arange(10, dtype=np.int32),
    np.zeros(0, dtype=np.int64),
    np.zeros((2, 0), dtype=np.int32),
    np.arange(12, dtype=np.float32).reshape(2, 6),
    np.asfortranarray(np.arange(12, dtype=np.int64).reshape(3, 4)),
    np.frombuffer(b"caf\xc3\xa9 bar", dtype=np.uint8),
], ids=["int32", "empty", "empty 2-d", "2-d", "fortran", "bytes"])
def test_mapped_arrays_read_back_what_numpy_saved_and_cannot_be_written(tmp_path, array):
    path = tmp_path / "a.npy"
    np.save(path, array)
    mapped = map_array(path)
    assert mapped.dtype == array.dtype and mapped.shape == array.shape
    assert np.array_equal(mapped, array)
    if mapped.size:
        with pytest.raises(ValueError):
            mapped[(0,) * mapped.ndim] = 1
