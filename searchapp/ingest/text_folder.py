"""A folder of plain-text articles, with optional per-file metadata in manifest.json."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from searchapp.article import Article
from searchapp.ingest.dates import parse_published
from searchapp.ingest.report import IngestReport

MANIFEST_NAME = "manifest.json"


def read_manifest(folder: Path, report: IngestReport) -> dict[str, dict]:
    """Per-file metadata keyed by file name; a broken manifest is reported, not fatal."""
    path = folder / MANIFEST_NAME
    if not path.exists():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        entries = data["articles"] if isinstance(data, dict) else data
        return {entry["file"]: entry for entry in entries}
    except (ValueError, KeyError, TypeError) as exc:
        report.skip(str(path), None, f"manifest ignored: {exc}")
        return {}


def read_text_folder(folder: Path, report: IngestReport) -> Iterator[Article]:
    """Yield one Article per `.txt` file; the id is the file name without extension.

    The title is left empty: the enrich step finds the headline in the text.
    """
    manifest = read_manifest(folder, report)
    for path in sorted(folder.glob("*.txt")):
        meta = manifest.get(path.name, {})
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            report.skip(str(path), None, f"unreadable: {exc}")
            continue
        if not text.strip():
            report.skip(str(path), None, "empty file")
            continue
        try:
            published = parse_published(meta.get("published"))
        except ValueError as exc:
            report.skip(str(path), None, f"manifest 'published': {exc}")
            continue
        report.read += 1
        yield Article(
            id=path.stem,
            title=str(meta.get("title") or ""),
            body=text,
            outlet=str(meta.get("outlet") or ""),
            published=published,
            authors=[str(a) for a in meta.get("authors") or []],
            people=[str(p) for p in meta.get("people") or []],
            url=str(meta.get("url") or ""),
            source=str(path),
        )
