"""A user's own files through the real CLI: nothing dropped without a word, counts that add
up to the rows of the file, every good row searchable, and a rebuild that says what it
replaces."""

from __future__ import annotations

import csv
import gzip
import io
import json
import re
from pathlib import Path

import pytest

from searchapp.api import create_app
from searchapp.engine import IndexStore, Searcher
from searchapp.engine.types import SearchRequest
from tests.servers import cli

BAD_BYTE = b"\xe9"  # "é" in Latin-1: not UTF-8


def _rows() -> list[dict]:
    """Ten rows: a bad date on rows 4 and 5, row 7 repeats row 2's id, row 9 gets a byte
    that is not UTF-8; each body holds a word of its own to search for."""
    rows = []
    for i in range(1, 11):
        rows.append({"id": f"r{i}", "title": f"Row {i} headline", "body": f"Body of row {i} "
                     f"with its own word marker{i}.", "outlet": "Wire",
                     "published": f"2023-01-{i:02d}", "people": "Ada Lovelace; Alan Turing"})
    rows[3]["published"] = "2024-02-30"
    rows[4]["published"] = "last tuesday"
    rows[6]["id"] = "r2"
    rows[8]["body"] = "Caf§ body of row 9 with its own word marker9."  # §: the bad byte
    return rows


def _write(path: Path, rows: list[dict], kind: str, broken_row: bool = True) -> Path:
    """The rows as CSV, TSV or JSON Lines (gzipped for a .gz name), plus one row that cannot
    be read at all (too many cells / not JSON) after row 6."""
    out = io.StringIO()
    if kind == "jsonl":
        lines = [json.dumps(r, ensure_ascii=False) for r in rows]
        if broken_row:
            lines.insert(6, '{"id": "broken", "title": ')
        text = "\n".join(lines) + "\n"
    else:
        writer = csv.writer(out, dialect="excel-tab" if kind == "tsv" else "excel",
                            lineterminator="\n")
        writer.writerow(rows[0].keys())
        for i, row in enumerate(rows):
            if i == 6 and broken_row:
                writer.writerow(["x", "too", "many", "cells", "in", "this", "row", "!"])
            writer.writerow(row.values())
        text = out.getvalue()
    data = text.encode("utf-8").replace("§".encode(), BAD_BYTE)
    if path.name.endswith(".gz"):
        data = gzip.compress(data)
    path.write_bytes(data)
    return path


def _total(index_dir: Path, q: str) -> int:
    return Searcher(IndexStore(index_dir)).search(SearchRequest(q=q)).total


@pytest.mark.parametrize("name", ["own.csv", "own.tsv", "own.jsonl", "own.csv.gz"])
def test_every_good_row_is_indexed_and_each_problem_is_counted_once(tmp_path, name):
    kind = name.split(".")[1]
    source = _write(tmp_path / name, _rows(), kind)
    index_dir = tmp_path / "index"
    result = cli("index", "build", str(source), "--index-dir", str(index_dir))
    assert result.returncode == 0, result.stderr
    out, err = result.stdout, result.stderr
    # 11 records: 9 distinct ids indexed + 1 duplicate id + 1 row that cannot be read
    assert re.search(r"^built: 9 indexed, 1 skipped, 1 duplicate id \(the last record kept\)",
                     out, re.M), out
    assert "cleaned: 2 dates left empty (not a date)" in out
    assert "cleaned: 1 records with bytes that are not UTF-8" in out
    line_of = (lambda row: row + 1) if kind != "jsonl" else (lambda row: row)
    after_broken = 1  # the unreadable row sits before row 7
    assert f"{name}:{line_of(4)}: 'published' left empty" in err
    assert f"{name}:{line_of(5)}: 'published' left empty" in err
    assert (f"{name}:{line_of(7) + after_broken}: id 'r2' repeats {source}:{line_of(2)}; "
            "the last record is kept") in err
    assert f"{name}:{line_of(9) + after_broken}: bytes that are not UTF-8 replaced" in err
    assert f"{name}:{line_of(7)}: " in err  # the unreadable row, by its own line
    assert Searcher(IndexStore(index_dir)).doc_count() == 9
    for i in (1, 3, 4, 5, 6, 7, 8, 9, 10):  # every good row, the last r2 (row 7) included
        assert _total(index_dir, f"marker{i}") == 1, i
    assert _total(index_dir, "marker2") == 0, "the first r2 was replaced by the last"
    article = Searcher(IndexStore(index_dir)).article("r4")
    assert article.published is None and article.title == "Row 4 headline"
    assert "\ufffd" in Searcher(IndexStore(index_dir)).article("r9").body


def test_a_quote_never_closed_costs_its_row_only(tmp_path):
    source = tmp_path / "quotes.csv"
    source.write_text('id,title,body,people\n'
                      'q1,One,"A fine body, quoted",Ada Lovelace\n'
                      'q2,Two,"An opening quote that never closes,Ada Lovelace\n'
                      'q3,Three,The body of three,Ada Lovelace\n'
                      'q4,Four,"A body\non two lines",Ada Lovelace\n'
                      'q5,Five,"Opened at the end,Ada Lovelace\n'
                      'q6,Six,The body of six,Ada Lovelace\n', encoding="utf-8")
    index_dir = tmp_path / "index"
    result = cli("index", "build", str(source), "--index-dir", str(index_dir))
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("built: 4 indexed, 2 skipped")
    # q2's quote is "closed" by q4's: without strict reading q3 and q4 vanished into q2
    assert "quotes.csv:3: quotes out of place" in result.stderr
    assert "quotes.csv:7: a quote opened in this row is never closed" in result.stderr
    searcher = Searcher(IndexStore(index_dir))
    assert searcher.article("q4").body == "A body\non two lines"
    assert {a for a in ("q1", "q2", "q3", "q4", "q5", "q6") if searcher.article(a)} == {
        "q1", "q3", "q4", "q6"}


def test_a_file_without_a_body_column_gets_one_hint_naming_its_columns(tmp_path):
    source = tmp_path / "mine.csv"
    source.write_text("id,headline,text\n" + "".join(
        f"m{i},Headline {i},Text of article {i}\n" for i in range(5)), encoding="utf-8")
    index_dir = tmp_path / "index"
    result = cli("index", "build", str(source), "--index-dir", str(index_dir))
    assert result.returncode == 1
    hints = [line for line in result.stdout.splitlines() if line.startswith("hint:")]
    assert hints == [f"hint: {source}: no column named 'body' holds the article text "
                     "(columns: id, headline, text); name the one that does, e.g. "
                     "--map body=text"]
    result = cli("index", "build", str(source), "--index-dir", str(index_dir),
                 "--map", "body=text", "--map", "title=headline")
    assert result.returncode == 0, result.stderr
    assert Searcher(IndexStore(index_dir)).doc_count() == 5


def test_an_add_that_adds_nothing_fails_and_one_id_twice_is_one_article(tmp_path):
    index_dir = tmp_path / "index"
    first = _write(tmp_path / "first.jsonl", _rows()[:3], "jsonl", broken_row=False)
    assert cli("index", "build", str(first), "--index-dir", str(index_dir)).returncode == 0
    bad = tmp_path / "bad.jsonl"
    bad.write_text("not json\n{\"title\": \"no body\"}\n", encoding="utf-8")
    for args, stdin in (([str(bad)], None), (["-"], bad.read_bytes())):
        result = cli("index", "add", *args, "--index-dir", str(index_dir), stdin=stdin)
        assert result.returncode == 1, result.stdout
        assert "error: nothing was added: all 2 records were skipped" in result.stderr
        size = re.search(r"index size (\S+ \S+)", result.stdout).group(1)
        assert size != "0 B" and not size.endswith(" B"), size
    twice = tmp_path / "twice.jsonl"
    twice.write_text("".join(json.dumps({"id": "new", "title": f"Version {v}",
                                         "body": f"Body version{v}", "people": ["Ada Lovelace"]})
                             + "\n" for v in (1, 2)), encoding="utf-8")
    result = cli("index", "add", str(twice), "--index-dir", str(index_dir))
    assert result.returncode == 0, result.stderr
    assert "added: 1 indexed, 0 replaced, 0 skipped, 1 duplicate id" in result.stdout
    searcher = Searcher(IndexStore(index_dir))
    assert searcher.doc_count() == 4, "an id twice in one add was once two documents"
    assert searcher.article("new").title == "Version 2"


def test_a_rebuild_says_what_it_replaces_and_refuses_to_swap_the_index(tmp_path):
    index_dir = tmp_path / "index"
    news = _write(tmp_path / "news.csv", _rows()[:3], "csv", broken_row=False)
    pages = tmp_path / "pages"
    pages.mkdir()
    for i in range(3):
        (pages / f"p{i}.txt").write_text(f"Page headline {i}\n\nThe page's own body {i}.\n")
    assert cli("index", "build", str(news), "--index-dir", str(index_dir)).returncode == 0
    generation = IndexStore(index_dir).current_name()
    result = cli("index", "build", str(pages), "--index-dir", str(index_dir))
    assert result.returncode == 1
    assert ("error: the build replaces 3 articles with 3: 3 removed, 3 added, 0 kept: "
            "refusing to remove most") in result.stderr
    assert "--replace" in result.stderr
    assert IndexStore(index_dir).current_name() == generation
    result = cli("index", "build", str(pages), str(news), "--index-dir", str(index_dir))
    assert result.returncode == 0
    assert "replaces 3 articles with 6: 0 removed, 3 added, 3 kept" in result.stdout
    result = cli("index", "build", str(pages), "--index-dir", str(index_dir), "--replace")
    assert result.returncode == 0, result.stderr
    assert "replaces 6 articles with 3: 3 removed, 0 added, 3 kept" in result.stdout


def test_the_bundled_sample_is_replaced_by_a_first_build_without_asking(tmp_path):
    index_dir = tmp_path / "index"
    assert cli("index", "build", "--index-dir", str(index_dir)).returncode == 0
    news = _write(tmp_path / "news.csv", _rows()[:2], "csv", broken_row=False)
    result = cli("index", "build", str(news), "--index-dir", str(index_dir))
    assert result.returncode == 0, result.stderr
    assert "replaces 5 articles with 2: 5 removed, 2 added, 0 kept" in result.stdout
    third = _write(tmp_path / "other.csv", [dict(r, id=f"o{i}") for i, r in
                                             enumerate(_rows()[:2])], "csv", broken_row=False)
    result = cli("index", "build", str(third), "--index-dir", str(index_dir))
    assert result.returncode == 1 and "--replace" in result.stderr, "the user's own: refused"


EXPORT_QUERIES = ["", "putin", "lavrov wang", '"top diplomat"', "person:\"wang yi\"",
                  "china NOT russia"]


def _answers(client, facets: str = "outlet,person,date") -> list:
    answers = []
    for q in EXPORT_QUERIES:
        body = client.get("/api/v1/search", query_string={
            "q": q, "per_page": 100, "facets": facets, "facet_size": 100}).json
        answers.append((q, body["total"], [(r["id"], r["title"], r["outlet"], r["published"],
                                            r["people"], r["authors"]) for r in body["results"]],
                        body["facets"]))
    return answers


@pytest.mark.parametrize("kind", ["csv", "jsonl"])
def test_an_export_indexes_back_to_the_same_answers(sample_index, client, tmp_path, kind):
    response = client.get("/api/v1/export", query_string={"format": kind, "body": "true"})
    assert response.status_code == 200
    exported = tmp_path / f"export.{kind}"
    exported.write_bytes(response.data)
    index_dir = tmp_path / "index"
    result = cli("index", "build", str(exported), "--index-dir", str(index_dir))
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("built: 5 indexed, 0 skipped")
    again = create_app(index_dir).test_client()
    assert _answers(again) == _answers(client)


def test_the_command_itself_answers_version_help_and_a_taken_port(tmp_path, sample_index):
    from searchapp import __version__

    version = cli("--version")
    assert version.returncode == 0 and version.stdout.strip() == f"searchapp {__version__}"
    bare = cli()
    assert bare.returncode == 0 and "usage: searchapp" in bare.stdout and "index" in bare.stdout
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = cli("serve", "--index-dir", str(sample_index), "--port", str(port),
                     timeout=30)
    assert result.returncode == 1
    assert result.stderr.strip() == (f"error: port {port} on 127.0.0.1 is already in use "
                                     "(another server?); choose another with --port")
