"""People found per article text, cached by content hash so rebuilds skip the model."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Iterable
from pathlib import Path

CACHE_NAME = "people-cache.sqlite3"


class PeopleCache:
    """A small SQLite table: sha1(extractor version + text) -> people list."""

    def __init__(self, path: Path, version: str):
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(str(path))
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS people (key TEXT PRIMARY KEY, names TEXT NOT NULL)"
        )
        self._version = version

    def key(self, text: str) -> str:
        return hashlib.sha1(f"{self._version}\0{text}".encode()).hexdigest()

    def get_many(self, keys: Iterable[str]) -> dict[str, list[str]]:
        keys = list(keys)
        found: dict[str, list[str]] = {}
        for start in range(0, len(keys), 500):
            chunk = keys[start:start + 500]
            marks = ",".join("?" * len(chunk))
            rows = self._db.execute(
                f"SELECT key, names FROM people WHERE key IN ({marks})", chunk
            )
            found.update((k, json.loads(v)) for k, v in rows)
        return found

    def put_many(self, items: dict[str, list[str]]) -> None:
        with self._db:
            self._db.executemany(
                "INSERT OR REPLACE INTO people (key, names) VALUES (?, ?)",
                ((k, json.dumps(v)) for k, v in items.items()),
            )

    def close(self) -> None:
        self._db.close()
