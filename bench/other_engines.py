"""The engines we compare against, on the same documents and queries:
SQLite FTS5 (bm25(), GROUP BY facets) and tantivy (BM25, terms aggregations)."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterable
from pathlib import Path

_WORD = re.compile(r"[A-Za-z0-9]+")


def words(text: str) -> list[str]:
    return [w.lower() for w in _WORD.findall(text)]


class SqliteFts:
    """FTS5 with the porter tokenizer; facets by GROUP BY over the matching rowids."""

    def __init__(self, path: Path):
        self.db = sqlite3.connect(str(path))

    def build(self, docs: Iterable[dict]) -> None:
        db = self.db
        db.executescript("""
            PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;
            CREATE VIRTUAL TABLE fts USING fts5(title, body, tokenize='porter unicode61');
            CREATE TABLE meta (rowid INTEGER PRIMARY KEY, id TEXT, outlet TEXT, day TEXT);
            CREATE TABLE people (rowid INTEGER, person TEXT);
        """)
        for rowid, doc in enumerate(docs, start=1):
            db.execute("INSERT INTO fts(rowid, title, body) VALUES (?, ?, ?)",
                       (rowid, doc["title"], doc["body"]))
            db.execute("INSERT INTO meta VALUES (?, ?, ?, ?)",
                       (rowid, doc["id"], doc.get("outlet"), doc.get("day")))
            db.executemany("INSERT INTO people VALUES (?, ?)",
                           [(rowid, p) for p in doc.get("people", [])])
        db.executescript("""
            CREATE INDEX people_rowid ON people(rowid);
            CREATE INDEX meta_outlet ON meta(outlet);
            CREATE INDEX meta_day ON meta(day);
            INSERT INTO fts(fts) VALUES ('optimize');
        """)
        db.commit()

    @staticmethod
    def match_expression(text: str, phrase: bool = False) -> str:
        terms = words(text)
        if phrase:
            return '"' + " ".join(terms) + '"'
        return " OR ".join(f'"{t}"' for t in terms)

    def search(self, text: str, k: int, phrase: bool = False) -> list[str]:
        rows = self.db.execute(
            "SELECT meta.id FROM fts JOIN meta ON meta.rowid = fts.rowid "
            "WHERE fts MATCH ? ORDER BY bm25(fts) LIMIT ?",
            (self.match_expression(text, phrase), k),
        )
        return [r[0] for r in rows]

    def search_with_facets(self, text: str, phrase: bool, outlet: str | None,
                           date_from: str | None, k: int = 10) -> dict:
        """Top k plus outlet, person and month counts for the filtered matches."""
        where = ["fts MATCH ?"]
        params: list = [self.match_expression(text, phrase)]
        if outlet:
            where.append("meta.outlet = ?")
            params.append(outlet)
        if date_from:
            where.append("meta.day >= ?")
            params.append(date_from)
        matched = (f"SELECT fts.rowid FROM fts JOIN meta ON meta.rowid = fts.rowid "
                   f"WHERE {' AND '.join(where)}")
        db = self.db
        top = db.execute(f"SELECT meta.id FROM fts JOIN meta ON meta.rowid = fts.rowid "
                         f"WHERE {' AND '.join(where)} ORDER BY bm25(fts) LIMIT {k}",
                         params).fetchall()
        outlets = db.execute(f"SELECT outlet, count(*) c FROM meta WHERE rowid IN ({matched}) "
                             f"GROUP BY outlet ORDER BY c DESC LIMIT 10", params).fetchall()
        people = db.execute(f"SELECT person, count(*) c FROM people WHERE rowid IN ({matched}) "
                            f"GROUP BY person ORDER BY c DESC LIMIT 10", params).fetchall()
        months = db.execute(f"SELECT substr(day, 1, 7) m, count(*) FROM meta "
                            f"WHERE rowid IN ({matched}) GROUP BY m", params).fetchall()
        return {"top": top, "outlet": outlets, "person": people, "date": months}

    def close(self) -> None:
        self.db.close()


class TantivyIndex:
    """tantivy with its English stemming tokenizer; facets by terms aggregations."""

    def __init__(self, path: Path):
        import tantivy

        self.tantivy = tantivy
        self.path = path
        builder = tantivy.SchemaBuilder()
        builder.add_text_field("id", stored=True, tokenizer_name="raw")
        builder.add_text_field("title", tokenizer_name="en_stem")
        builder.add_text_field("body", tokenizer_name="en_stem")
        builder.add_text_field("outlet", fast=True, tokenizer_name="raw")
        builder.add_text_field("person", fast=True, tokenizer_name="raw")
        builder.add_text_field("month", fast=True, tokenizer_name="raw")
        builder.add_text_field("day", fast=True, tokenizer_name="raw")
        self.schema = builder.build()
        path.mkdir(parents=True, exist_ok=True)
        self.index = tantivy.Index(self.schema, path=str(path))

    def build(self, docs: Iterable[dict]) -> None:
        writer = self.index.writer(heap_size=256_000_000, num_threads=2)
        for doc in docs:
            fields = {"id": doc["id"], "title": doc["title"], "body": doc["body"]}
            if doc.get("outlet"):
                fields["outlet"] = doc["outlet"]
            if doc.get("day"):
                fields["day"] = doc["day"]
                fields["month"] = doc["day"][:7]
            if doc.get("people"):
                fields["person"] = list(doc["people"])
            writer.add_document(self.tantivy.Document(**fields))
        writer.commit()
        writer.wait_merging_threads()
        self.index.reload()
        self.searcher = self.index.searcher()

    def open(self) -> None:
        self.index.reload()
        self.searcher = self.index.searcher()

    def _query(self, text: str, phrase: bool = False):
        terms = words(text)
        expression = ('"' + " ".join(terms) + '"') if phrase else " ".join(terms)
        return self.index.parse_query(expression, ["title", "body"])

    def search(self, text: str, k: int, phrase: bool = False) -> list[str]:
        if not words(text):
            return []
        result = self.searcher.search(self._query(text, phrase), k)
        return [self.searcher.doc(address)["id"][0] for _, address in result.hits]

    def search_with_facets(self, text: str, phrase: bool, outlet: str | None,
                           date_from: str | None, k: int = 10) -> dict:
        tantivy = self.tantivy
        query = self._query(text, phrase)
        clauses = [(tantivy.Occur.Must, query)]
        if outlet:
            clauses.append((tantivy.Occur.Must,
                            tantivy.Query.term_query(self.schema, "outlet", outlet)))
        if date_from:
            clauses.append((tantivy.Occur.Must, self.index.parse_query(
                f"day:[{date_from} TO *}}", ["day"])))
        combined = tantivy.Query.boolean_query(clauses) if len(clauses) > 1 else query
        result = self.searcher.search(combined, k)
        top = [self.searcher.doc(address)["id"][0] for _, address in result.hits]
        aggs = self.searcher.aggregate(combined, {
            "outlet": {"terms": {"field": "outlet", "size": 10}},
            "person": {"terms": {"field": "person", "size": 10}},
            "date": {"terms": {"field": "month", "size": 1000}},
        })
        return {"top": top, **aggs}
