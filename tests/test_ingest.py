"""Reading sources into Articles: text folders with a manifest, JSON Lines, bad records."""

from __future__ import annotations

import gzip
import json
import shutil
from datetime import date

import pytest

from searchapp.enrich import enrich_article
from searchapp.enrich.title import split_headline
from searchapp.ingest import SAMPLE_DIR, IngestReport, SourceError, read_sources
from searchapp.ingest.dates import ImplausibleDate, parse_published
from tests.conftest import FIXTURES


def test_text_folder_uses_file_stem_as_id_and_manifest_metadata():
    report = IngestReport()
    articles = {a.id: a for a in read_sources([SAMPLE_DIR], report)}
    manifest = json.loads((SAMPLE_DIR / "manifest.json").read_text())["articles"]
    assert report.read == 5 and not report.skipped
    for entry in manifest:
        article = articles[entry["file"].removesuffix(".txt")]
        assert article.outlet == entry["outlet"]
        assert article.published == date.fromisoformat(entry["published"])
        assert article.authors == entry["authors"]


def test_text_without_manifest_entry_is_still_indexed(tmp_path):
    (tmp_path / "loose.txt").write_text("A headline\n\nSome body text about Lavrov.\n")
    [article] = list(read_sources([tmp_path], IngestReport()))
    article = enrich_article(article)
    assert (article.id, article.title, article.outlet) == ("loose", "A headline", "")
    assert article.body == "Some body text about Lavrov."


def test_headline_skips_boilerplate_and_a_repeated_headline():
    title, body = split_headline("Skip to Content\n\nReal headline\n\nFirst paragraph.")
    assert (title, body) == ("Real headline", "First paragraph.")
    title, body = split_headline("Same ‘title’\n\nSame 'title'\n\nParagraph one.\nTwo.")
    assert (title, body) == ("Same ‘title’", "Paragraph one.\nTwo.")


def test_markup_in_copied_text_is_removed():
    path = SAMPLE_DIR / "001_e714217c4ce465dd.txt"
    assert "<i>" in path.read_text()
    [article] = [a for a in read_sources([SAMPLE_DIR], IngestReport()) if a.id == path.stem]
    enriched = enrich_article(article)
    assert "<i>" not in enriched.body and "<br/>" not in enriched.body


def test_jsonl_reports_bad_lines_with_file_and_line_and_keeps_the_rest():
    report = IngestReport()
    articles = list(read_sources([FIXTURES / "mixed.jsonl"], report))
    assert [a.title for a in articles] == [
        "Lavrov meets Wang Yi in Moscow", "An article without an id", "Bad date", "Minimal record"
    ]
    skipped = {(s.line, s.reason.split(":")[0]) for s in report.skipped}
    assert skipped == {(3, "invalid JSON"), (4, "missing or empty 'body'")}
    assert all(s.source.endswith("mixed.jsonl") for s in report.skipped)
    assert articles[2].published is None, "a date that cannot be read costs the date only"
    [noted] = report.notes
    assert (noted.line, noted.what) == (5, "dates left empty (not a date)")
    first = articles[0]
    assert first.people == ["Sergey Lavrov", "Wang Yi"] and first.authors == ["Jane Doe"]
    assert articles[1].published == date(2023, 3, 1)


def test_derived_ids_are_stable_across_reads(tmp_path):
    first = [a.id for a in read_sources([FIXTURES / "mixed.jsonl"], IngestReport())]
    copy = tmp_path / "copy.jsonl"
    shutil.copy(FIXTURES / "mixed.jsonl", copy)
    second = [a.id for a in read_sources([copy], IngestReport())]
    assert first == second
    assert len(first[1]) == 16 and first[1] != first[2]


def test_gzip_jsonl_is_read_transparently(tmp_path):
    packed = tmp_path / "mixed.jsonl.gz"
    with gzip.open(packed, "wt", encoding="utf-8") as handle:
        handle.write((FIXTURES / "mixed.jsonl").read_text())
    plain = [a.id for a in read_sources([FIXTURES / "mixed.jsonl"], IngestReport())]
    assert [a.id for a in read_sources([packed], IngestReport())] == plain


def test_missing_and_unknown_sources_stop_before_anything_is_read(tmp_path):
    (tmp_path / "notes.pdf").write_bytes(b"%PDF")
    good = FIXTURES / "mixed.jsonl"
    with pytest.raises(SourceError, match="no such file or folder: .*nope"):
        read_sources([good, tmp_path / "nope"], IngestReport())
    with pytest.raises(SourceError, match="notes.pdf: unknown source type"):
        read_sources([good, tmp_path / "notes.pdf"], IngestReport())


@pytest.mark.parametrize("text,expected", [
    ("2023-02-22", date(2023, 2, 22)),
    ("2023-02-22T10:00:00Z", date(2023, 2, 22)),
    ("2023-02-22T23:30:00+05:00", date(2023, 2, 22)),
    ("7/23/17", date(2017, 7, 23)),
    ("", None),
    (None, None),
])
def test_dates(text, expected):
    assert parse_published(text) == expected


@pytest.mark.parametrize("text", ["0001-11-30", "2050-09-30"])
def test_impossible_dates_are_flagged(text):
    with pytest.raises(ImplausibleDate):
        parse_published(text)


@pytest.mark.parametrize("text", ["yesterday", "2023-13-01", "22/22/22"])
def test_unreadable_dates_raise(text):
    with pytest.raises(ValueError):
        parse_published(text)


def test_csv_rows_become_articles_and_bad_rows_are_reported_by_line(tmp_path):
    report = IngestReport()
    articles = {a.id: a for a in read_sources([FIXTURES / "articles.csv"], report)}
    assert sorted(articles) == ["c1", "c3", "c5"] and report.read == 3
    assert articles["c1"].body == "Sergei Lavrov met officials in Delhi.\nHe spoke, at length."
    assert articles["c1"].authors == ["Jane Doe", "John Roe"]
    assert articles["c5"].authors == ["A B", "C D"], "a JSON list in a cell"
    assert articles["c1"].published == date(2023, 3, 2) and articles["c5"].published is None
    assert articles["c3"].published is None
    # c1 spans lines 2-3, so the rows after it start one line later
    assert {(s.line, s.reason.split(":")[0]) for s in report.skipped} == {
        (4, "missing or empty 'body'"), (6, "7 cells, the header has 6")}
    assert [(n.line, n.what) for n in report.notes] == [(5, "dates left empty (not a date)")]
    packed = tmp_path / "articles.tsv.gz"
    with gzip.open(packed, "wt", encoding="utf-8") as handle:
        handle.write("title\tbody\toutlet\nTab title\tTab, separated body\tAP\n")
    [tab] = read_sources([packed], IngestReport())
    assert (tab.title, tab.body, tab.outlet) == ("Tab title", "Tab, separated body", "AP")


def test_csv_in_the_allsides_layout_is_recognised(tmp_path):
    source = tmp_path / "allsides.csv"
    source.write_text(
        "ID,title,content_original,source,source_url,date,authors\n"
        "a1,One,First text.,Fox Online News,https://www.foxnews.com,2020-01-02,Jane Doe\n"
        "a2,Two,Second text.,Fox News,https://www.foxnews.com,1/3/20,\n"
        "a3,Three,Third text.,Fox News,https://www.foxnews.com,2050-01-01,\n",
        encoding="utf-8")
    report = IngestReport()
    articles = list(read_sources([source], report))
    assert [a.id for a in articles] == ["a1", "a2", "a3"]
    assert {a.outlet for a in articles} == {"Fox News"}
    assert [a.published for a in articles] == [date(2020, 1, 2), date(2020, 1, 3), None]
    assert report.cleaned["implausible dates left empty"] == 1


def test_byte_order_marks_and_text_that_is_not_utf8(tmp_path):
    """A spreadsheet's BOM is not part of the first column's name; bytes that are not UTF-8
    are replaced and their record kept and reported (CSV and JSON Lines alike), never the
    rest of the file."""
    excel = tmp_path / "excel.csv"
    excel.write_bytes("title,body\nBOM title,Body text.\n".encode("utf-8-sig"))
    latin = tmp_path / "latin.csv"
    latin.write_bytes("title,body\nFirst,Fine.\nCaf\u00e9,Accents in latin-1.\nLast,Lost.\n"
                      .encode("latin-1"))
    lines = tmp_path / "mixed.jsonl"
    lines.write_bytes(b'\xef\xbb\xbf{"id": "j1", "title": "One", "body": "Fine."}\n'
                      + '{"id": "j2", "title": "Caf\u00e9", "body": "x"}\n'.encode("latin-1")
                      + b'{"id": "j3", "title": "Three", "body": "Fine too."}\n')
    report = IngestReport()
    articles = list(read_sources([excel, latin, lines], report))
    assert [(a.id if a.source.startswith(str(lines)) else a.title) for a in articles] == [
        "BOM title", "First", "Caf\ufffd", "Last", "j1", "j2", "j3"]
    assert not report.skipped
    assert sorted((n.source.rsplit("/", 1)[-1], n.line) for n in report.notes) == [
        ("latin.csv", 3), ("mixed.jsonl", 2)]
