"""What a build read and what it had to skip or repair, so the command can summarise it.

Memory stays bounded however bad the input: skips and repairs are counted by kind, and only
the first few are kept with their file and line for the summary to list. Every record of a
source ends up counted once: read (perhaps repaired, perhaps a duplicate id) or skipped.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

KEPT_SKIPS = 100
KEPT_NOTES = 100
KEPT_HINTS = 10
MAX_SKIP_KINDS = 50
OTHER_KIND = "other reasons"
DUPLICATE_IDS = "duplicate ids (the last record kept)"


@dataclass(frozen=True)
class Skipped:
    """One record that could not be read, with where it was and why."""

    source: str
    line: int | None
    reason: str

    @property
    def kind(self) -> str:
        return self.reason.split(":")[0]

    def __str__(self) -> str:
        where = f"{self.source}:{self.line}" if self.line is not None else self.source
        return f"{where}: {self.reason}"


@dataclass(frozen=True)
class Noted:
    """One record kept with a value repaired or dropped (or a duplicate id), and where."""

    source: str
    line: int | None
    what: str
    detail: str = ""

    def __str__(self) -> str:
        where = f"{self.source}:{self.line}" if self.line is not None else self.source
        return f"{where}: {self.detail or self.what}"


@dataclass
class IngestReport:
    """Counts of what was read, skipped records, and values that were cleaned away."""

    read: int = 0
    skipped: list[Skipped] = field(default_factory=list)  # the first KEPT_SKIPS only
    skipped_count: int = 0
    skipped_kinds: Counter = field(default_factory=Counter)
    cleaned: Counter = field(default_factory=Counter)
    notes: list[Noted] = field(default_factory=list)  # the first KEPT_NOTES with a place
    duplicates: int = 0  # records whose id an earlier record of the sources had
    noted_count: int = 0  # notes with a place, listed or not
    hints: list[str] = field(default_factory=list)  # file-level advice, each said once

    def skip(self, source: str, line: int | None, reason: str) -> None:
        skipped = Skipped(source, line, reason)
        self.skipped_count += 1
        kind = skipped.kind
        if kind not in self.skipped_kinds and len(self.skipped_kinds) >= MAX_SKIP_KINDS:
            kind = OTHER_KIND
        self.skipped_kinds[kind] += 1
        if len(self.skipped) < KEPT_SKIPS:
            self.skipped.append(skipped)

    def note(self, what: str, count: int = 1, source: str | None = None,
             line: int | None = None, detail: str = "") -> None:
        """Count a value that was repaired or dropped without skipping the record; with a
        `source`, remember where (the first KEPT_NOTES), so the summary can list them."""
        self.cleaned[what] += count
        if source is not None:
            self._place(Noted(source, line, what, detail))

    def _place(self, noted: Noted) -> None:
        self.noted_count += 1
        if len(self.notes) < KEPT_NOTES:
            self.notes.append(noted)

    def duplicate(self, article_id: str, first: str, again: str) -> None:
        """A record repeats the id of an earlier one (`first`, `again`: file:line)."""
        self.duplicates += 1
        self._place(Noted(again, None, DUPLICATE_IDS,
                          f"id {article_id!r} repeats {first}; the last record is kept"))

    def hint(self, text: str) -> None:
        """File-level advice (a CSV without a body column), said once however many rows."""
        if text not in self.hints and len(self.hints) < KEPT_HINTS:
            self.hints.append(text)
