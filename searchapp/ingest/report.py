"""What a build read and what it had to skip, so the command can summarise it.

Memory stays bounded however bad the input: skips are counted by kind, and only the
first few are kept with their file and line for the summary to list.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

KEPT_SKIPS = 100
MAX_SKIP_KINDS = 50
OTHER_KIND = "other reasons"


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


@dataclass
class IngestReport:
    """Counts of what was read, skipped records, and values that were cleaned away."""

    read: int = 0
    skipped: list[Skipped] = field(default_factory=list)  # the first KEPT_SKIPS only
    skipped_count: int = 0
    skipped_kinds: Counter = field(default_factory=Counter)
    cleaned: Counter = field(default_factory=Counter)

    def skip(self, source: str, line: int | None, reason: str) -> None:
        skipped = Skipped(source, line, reason)
        self.skipped_count += 1
        kind = skipped.kind
        if kind not in self.skipped_kinds and len(self.skipped_kinds) >= MAX_SKIP_KINDS:
            kind = OTHER_KIND
        self.skipped_kinds[kind] += 1
        if len(self.skipped) < KEPT_SKIPS:
            self.skipped.append(skipped)

    def note(self, what: str, count: int = 1) -> None:
        """Count a value that was repaired or dropped without skipping the record."""
        self.cleaned[what] += count
