"""Index generations: atomic rebuilds, failed rebuilds, upserts and deletes, CLI summary."""

from __future__ import annotations

import pytest

from searchapp.api import create_app
from searchapp.article import Article
from searchapp.cli import main
from searchapp.engine import Indexer, IndexStore, Searcher
from searchapp.engine.types import SearchRequest
from tests.conftest import FIXTURES, write_jsonl


def article(i: str, title: str, body: str = "Body text.", **extra) -> Article:
    return Article(id=i, title=title, body=body, **extra)


def test_rebuild_switches_generation_and_searcher_follows(tmp_path):
    store = IndexStore(tmp_path)
    indexer = Indexer(store)
    indexer.rebuild([article("a", "Alpha story")])
    searcher = Searcher(store)
    first = searcher.generation()
    assert searcher.search(SearchRequest(q="alpha")).total == 1
    indexer.rebuild([article("b", "Beta story")], allow_shrink=True)
    assert searcher.generation() != first
    assert searcher.search(SearchRequest(q="alpha")).total == 0
    assert searcher.search(SearchRequest(q="beta")).total == 1


def test_failed_rebuild_leaves_the_old_generation_serving(tmp_path):
    store = IndexStore(tmp_path)
    Indexer(store).rebuild([article("a", "Alpha story")])
    live = store.current_name()

    def broken():
        yield article("b", "Beta story")
        raise RuntimeError("source died half-way")

    with pytest.raises(RuntimeError):
        Indexer(store).rebuild(broken())
    assert store.current_name() == live
    assert [p.name for p in store.generations()] == [live], "the half-built one is removed"
    assert Searcher(store).search(SearchRequest(q="alpha")).total == 1


def test_old_generations_are_pruned_to_the_kept_number(tmp_path):
    store = IndexStore(tmp_path, keep_generations=2)
    for i in range(4):
        Indexer(store).rebuild([article(str(i), f"Story {i}")], allow_shrink=True)
    names = [p.name for p in store.generations()]
    assert len(names) == 2 and names[-1] == store.current_name()


def test_duplicate_ids_in_one_build_keep_the_last_record(tmp_path):
    store = IndexStore(tmp_path)
    stats = Indexer(store).rebuild([article("a", "First version"), article("a", "Second version")])
    assert (stats.indexed, stats.duplicates) == (1, 1)
    assert Searcher(store).article("a").title == "Second version"


def test_upsert_and_delete_are_seen_without_reopening(tmp_path):
    store = IndexStore(tmp_path)
    indexer = Indexer(store)
    indexer.rebuild([article("a", "Alpha story", outlet="CNN")])
    client = create_app(tmp_path).test_client()
    assert client.get("/api/v1/search").json["total"] == 1
    stats = indexer.upsert([article("a", "Alpha revised", outlet="BBC"), article("b", "Beta")])
    assert (stats.indexed, stats.replaced) == (1, 1)
    body = client.get("/api/v1/search").json
    assert body["total"] == 2
    assert {b["value"]: b["count"] for b in body["facets"]["outlet"]} == {"BBC": 1}
    assert client.get("/api/v1/articles/a").json["title"] == "Alpha revised"
    deleted = indexer.delete(["b", "missing"])
    assert deleted.deleted == 1 and deleted.missing == ["missing"]
    assert client.get("/api/v1/search").json["total"] == 1
    assert client.get("/api/v1/articles/b").status_code == 404


def test_cli_build_summarises_skipped_records_and_stats(tmp_path, capsys):
    index_dir = tmp_path / "ix"
    code = main(["index", "build", str(FIXTURES / "mixed.jsonl"), "--index-dir", str(index_dir)])
    out, err = capsys.readouterr()
    assert code == 0
    assert out.startswith("built: 4 indexed, 2 skipped in ")
    assert "mixed.jsonl:3: invalid JSON" in err
    assert "mixed.jsonl:4: missing or empty 'body'" in err
    assert "mixed.jsonl:5: 'published' left empty: not an ISO date" in err
    assert "skipped: 1 invalid JSON" in out and "cleaned: 1 dates left empty" in out
    assert main(["index", "stats", "--index-dir", str(index_dir)]) == 0
    out, _ = capsys.readouterr()
    assert "articles: 4" in out
    assert "dates: 2023-02-22 .. 2023-03-01 (2 without date)" in out
    assert "Reuters" in out and "AP" in out


def test_cli_stats_lists_the_largest_outlets_and_says_how_many_more(sample_index, capsys):
    assert main(["index", "stats", "--index-dir", str(sample_index), "--outlets", "2"]) == 0
    out, _ = capsys.readouterr()
    listed = [line for line in out.splitlines() if line.startswith("  ") and "more" not in line]
    assert len(listed) == 2
    assert "outlets: 5 (0 articles without outlet)" in out
    assert "  ... and 3 more (--outlets 0 lists all)" in out
    assert main(["index", "stats", "--index-dir", str(sample_index), "--outlets", "0"]) == 0
    out, _ = capsys.readouterr()
    assert sum(line.startswith("  ") for line in out.splitlines()) == 5 and "more" not in out
    with pytest.raises(SystemExit):
        main(["index", "stats", "--index-dir", str(sample_index), "--outlets", "-1"])
    assert "must be 0 or more" in capsys.readouterr().err


def test_cli_add_and_delete(tmp_path, capsys):
    index_dir = str(tmp_path / "ix")
    assert main(["index", "build", "--index-dir", index_dir]) == 0
    extra = write_jsonl(tmp_path / "extra.jsonl", [
        {"id": "new-1", "title": "Fresh article", "body": "About Nebenzya and Guterres."},
    ])
    assert main(["index", "add", str(extra), "--index-dir", index_dir]) == 0
    assert Searcher(IndexStore(index_dir)).doc_count() == 6
    assert main(["index", "delete", "new-1", "--index-dir", index_dir]) == 0
    assert main(["index", "delete", "new-1", "--index-dir", index_dir]) == 1
    assert Searcher(IndexStore(index_dir)).doc_count() == 5
    capsys.readouterr()


def test_cli_without_index_says_what_to_do(tmp_path, capsys):
    assert main(["index", "stats", "--index-dir", str(tmp_path / "none")]) == 1
    assert "searchapp index build" in capsys.readouterr().err


def test_index_dir_from_environment(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("SEARCHAPP_INDEX_DIR", str(tmp_path / "env-ix"))
    assert main(["index", "build"]) == 0
    assert (tmp_path / "env-ix" / "CURRENT").exists()
    capsys.readouterr()


def test_people_are_cached_by_content_hash(tmp_path):
    import sqlite3

    from searchapp.enrich.people_cache import CACHE_NAME
    from searchapp.pipeline import build_index

    records = [{"id": f"a{i}", "title": f"Story {i}", "body": f"Sergey Lavrov met Wang Yi ({i})."}
               for i in range(3)]
    source = write_jsonl(tmp_path / "a.jsonl", records)
    store = IndexStore(tmp_path / "ix")
    build_index(store, [source], workers=1)

    def cached() -> int:
        with sqlite3.connect(tmp_path / "ix" / CACHE_NAME) as db:
            return db.execute("SELECT count(*) FROM people").fetchone()[0]

    assert cached() == 3
    build_index(store, [source], workers=1)
    assert cached() == 3, "unchanged articles reuse their cached people"
    records[0]["body"] += " Dmitry Peskov agreed."
    build_index(store, [write_jsonl(tmp_path / "a.jsonl", records)], workers=1)
    assert cached() == 4, "only the changed article is extracted again"
    assert "Dmitry Peskov" in Searcher(store).article("a0").people
