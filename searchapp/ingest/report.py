"""What a build read and what it had to skip, so the command can summarise it."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Skipped:
    """One record that could not be read, with where it was and why."""

    source: str
    line: int | None
    reason: str

    def __str__(self) -> str:
        where = f"{self.source}:{self.line}" if self.line is not None else self.source
        return f"{where}: {self.reason}"


@dataclass
class IngestReport:
    """Counts of what was read, skipped records, and values that were cleaned away."""

    read: int = 0
    skipped: list[Skipped] = field(default_factory=list)
    cleaned: Counter = field(default_factory=Counter)

    def skip(self, source: str, line: int | None, reason: str) -> None:
        self.skipped.append(Skipped(source, line, reason))

    def note(self, what: str, count: int = 1) -> None:
        """Count a value that was repaired or dropped without skipping the record."""
        self.cleaned[what] += count
