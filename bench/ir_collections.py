"""Readers for the Cranfield and CISI relevance collections (SMART tagged text)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

_TAG = re.compile(r"^\.([A-Z])(?:\s+(\S+))?\s*$")


@dataclass
class Collection:
    name: str
    docs: dict[str, dict]            # id -> {"title", "body"}
    queries: dict[str, str]          # qrels query id -> query text
    qrels: dict[str, dict[str, int]]  # query id -> doc id -> gain (> 0 relevant)
    gain_note: str


def _records(path: Path) -> list[tuple[str, dict[str, str]]]:
    """(.I id, {tag: text}) per record; text of repeated tags is joined."""
    records: list[tuple[str, dict[str, str]]] = []
    tag = None
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        match = _TAG.match(line)
        if match and match.group(1) == "I":
            records.append((match.group(2), {}))
            tag = None
        elif match and match.group(2) is None:
            tag = match.group(1)
            records[-1][1].setdefault(tag, "")
        elif tag and records:
            fields = records[-1][1]
            fields[tag] = f"{fields[tag]} {line.strip()}".strip()
    return records


def cranfield(folder: Path) -> Collection:
    """Queries are joined to qrels by position (the n-th query is qrels query n), and
    Cleverdon's grades map to gains 1->4, 2->3, 3->2, 4->1, -1 (source doc)->4."""
    docs = {i: {"title": f.get("T", ""), "body": f.get("W", "")}
            for i, f in _records(folder / "cran.all.1400")}
    queries = {str(n): f.get("W", "")
               for n, (_, f) in enumerate(_records(folder / "cran.qry"), start=1)}
    gains = {1: 4, 2: 3, 3: 2, 4: 1, -1: 4}
    qrels: dict[str, dict[str, int]] = {}
    for line in (folder / "cranqrel").read_text().split("\n"):
        parts = line.split()
        if len(parts) >= 3 and int(parts[2]) in gains:
            qrels.setdefault(parts[0], {})[parts[1]] = gains[int(parts[2])]
    return Collection("cranfield", docs, queries, qrels,
                      "graded gain 1->4, 2->3, 3->2, 4->1, -1->4; all judged docs relevant")


def cisi(folder: Path) -> Collection:
    """Search with .W only; the 36 queries without judgments are left out."""
    docs = {i: {"title": f.get("T", ""), "body": f.get("W", "")}
            for i, f in _records(folder / "CISI.ALL")}
    queries = {i: f.get("W", "") for i, f in _records(folder / "CISI.QRY")}
    qrels: dict[str, dict[str, int]] = {}
    for line in (folder / "CISI.REL").read_text().splitlines():
        parts = line.split()
        if len(parts) >= 2:
            qrels.setdefault(parts[0], {})[parts[1]] = 1
    judged = {q: t for q, t in queries.items() if q in qrels}
    return Collection("cisi", docs, judged, qrels, "binary; 76 judged queries")
