"""A folder of plain-text articles, with optional per-file metadata in manifest.json."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from searchapp.article import Article
from searchapp.ingest.fields import metadata, text_value
from searchapp.ingest.files import (
    NOT_UTF8_DETAIL,
    NOT_UTF8_REPLACED,
    UTF16_BOMS,
    decode_utf8,
    folder_entry,
    read_capped,
)
from searchapp.ingest.layouts import OWN
from searchapp.ingest.report import IngestReport

MANIFEST_NAME = "manifest.json"
MAX_MANIFEST_BYTES = 64 * 2**20
# More than any article body keeps (limits.MAX_BODY_CHARS) even in 4-byte characters.
MAX_TEXT_FILE_BYTES = 2**20


def read_manifest(folder: Path, report: IngestReport) -> dict[str, dict]:
    """Per-file metadata keyed by file name; a broken manifest is reported, not fatal."""
    path = folder / MANIFEST_NAME
    if not path.exists() and not path.is_symlink():
        return {}
    problem = folder_entry(folder, path)
    if problem:
        report.skip(str(path), None, f"manifest ignored: {problem}")
        return {}
    try:
        data, cut = read_capped(path, MAX_MANIFEST_BYTES)
        if cut:
            raise ValueError(f"larger than {MAX_MANIFEST_BYTES // 2**20} MB")
        parsed = json.loads(decode_utf8(data))
        entries = parsed["articles"] if isinstance(parsed, dict) else parsed
        if not isinstance(entries, list):
            raise ValueError("expected a list of entries")
        manifest = {}
        for entry in entries:
            if not isinstance(entry, dict) or not isinstance(entry.get("file"), str):
                raise ValueError("every entry must be an object with a 'file' name")
            manifest[entry["file"]] = entry
        return manifest
    except (OSError, ValueError, KeyError, TypeError, RecursionError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else exc
        if isinstance(exc, RecursionError):
            reason = "nested too deeply"
        report.skip(str(path), None, f"manifest ignored: {reason}")
        return {}


def read_text_folder(folder: Path, report: IngestReport) -> Iterator[Article]:
    """Yield one Article per `.txt` file; the id is the file name without extension.

    The title is left empty unless the manifest gives one: the enrich step finds the
    headline in the text. Symlinks out of the folder and non-regular files are skipped.
    """
    manifest = read_manifest(folder, report)
    for path in sorted(p for p in folder.iterdir() if p.suffix.lower() == ".txt"):
        problem = folder_entry(folder, path)
        if problem:
            report.skip(str(path), None, problem)
            continue
        try:
            data, cut = read_capped(path, MAX_TEXT_FILE_BYTES)
        except OSError as exc:
            report.skip(str(path), None, f"unreadable: {exc.strerror or exc}")
            continue
        try:
            text = decode_utf8(data, cut)
        except UnicodeDecodeError:  # the file's other bytes are its article still
            text = data.decode("utf-16" if data.startswith(UTF16_BOMS) else "utf-8-sig",
                               errors="replace")
            if not data.startswith(UTF16_BOMS):
                report.note(NOT_UTF8_REPLACED, source=str(path), detail=NOT_UTF8_DETAIL)
        if cut:
            report.note(f"text files read to their first {MAX_TEXT_FILE_BYTES // 2**20} MB")
        if not text.strip():
            report.skip(str(path), None, "empty file")
            continue
        entry = manifest.get(path.name, {})
        try:
            meta = metadata(entry, OWN, report, f"{path} (manifest)")
            title = text_value(entry.get("title"), "title")
        except ValueError as exc:
            report.skip(str(path), None, f"manifest: {exc}")
            continue
        report.read += 1
        yield Article(
            id=path.stem,
            title=title,
            body=text,
            outlet=meta.outlet,
            published=meta.published,
            authors=meta.authors,
            people=meta.people,
            url=meta.url,
            source=str(path),
            extra=meta.extra,
        )
