"""Changes committed to the live index while a rebuild runs, replayed into the new one.

A rebuild reads its sources from the start, so an `add` or `delete` committed meanwhile
would vanish when the rebuild switches. Each such change is appended here (under the
write lock, after its commit) and the rebuild replays the file, in order, into its new
generation just before it goes live: the result is as if the change came after the build.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from dataclasses import asdict
from datetime import date
from pathlib import Path

from searchapp.article import Article

JOURNAL_NAME = "rebuild-journal.jsonl"


def _article_record(article: Article) -> dict:
    record = asdict(article)
    record["published"] = article.published.isoformat() if article.published else None
    record.pop("story_signature", None)  # bytes; signed again when replayed
    return record


def _record_article(record: dict) -> Article:
    published = record.get("published")
    return Article(**{**record, "published": date.fromisoformat(published) if published else None})


class Journal:
    """An append-only file of upserts and deletes next to the generations."""

    def __init__(self, root: Path):
        self.path = Path(root) / JOURNAL_NAME

    def clear(self) -> None:
        self.path.unlink(missing_ok=True)

    def _append(self, entries: list[dict]) -> None:
        if not entries:
            return
        lines = "".join(json.dumps(entry, ensure_ascii=False) + "\n" for entry in entries)
        with open(self.path, "ab+") as handle:  # appends land at the end whatever is read
            if handle.seek(0, os.SEEK_END):
                handle.seek(-1, os.SEEK_END)
                if handle.read(1) != b"\n":
                    # An append killed mid-line left it torn: end it, so this entry is not
                    # glued onto it and lost with it when the rebuild replays the file.
                    lines = "\n" + lines
            handle.write(lines.encode("utf-8"))
            handle.flush()
            os.fsync(handle.fileno())

    def upserted(self, articles: list[Article]) -> None:
        self._append([{"op": "upsert", "article": _article_record(a)} for a in articles])

    def deleted(self, ids: list[str]) -> None:
        if ids:
            self._append([{"op": "delete", "ids": list(ids)}])

    def entries(self) -> Iterator[tuple[str, Article | list[str]]]:
        """("upsert", Article) and ("delete", ids) in the order they were committed."""
        try:
            handle = open(self.path, encoding="utf-8")
        except FileNotFoundError:
            return
        with handle:
            for line in handle:
                try:
                    entry = json.loads(line)
                except ValueError:
                    continue  # a line cut short by a crash mid-append: its commit is live too
                if entry.get("op") == "upsert":
                    yield "upsert", _record_article(entry["article"])
                elif entry.get("op") == "delete":
                    yield "delete", [str(i) for i in entry.get("ids", [])]
