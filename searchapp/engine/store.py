"""Index generations on disk and the pointer that says which one is live.

A rebuild writes a new generation folder next to the live one and then replaces the
`CURRENT` pointer file with `os.replace`, which is atomic: readers see either the old
generation or the new one, never a half-built index.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from pathlib import Path

from whoosh import index as whoosh_index

from searchapp.engine.schema import build_schema

POINTER_NAME = "CURRENT"
GENERATION_PREFIX = "gen-"


class IndexNotBuilt(LookupError):
    """There is no live generation yet: the index has never been built."""


class IndexStore:
    """The generations under one index directory."""

    def __init__(self, root: str | os.PathLike, keep_generations: int = 2):
        self.root = Path(root)
        self.keep_generations = max(1, keep_generations)

    @property
    def pointer(self) -> Path:
        return self.root / POINTER_NAME

    def current_name(self) -> str | None:
        """The live generation's folder name, or None before the first build."""
        try:
            name = self.pointer.read_text(encoding="utf-8").strip()
        except FileNotFoundError:
            return None
        return name or None

    def current_path(self) -> Path:
        name = self.current_name()
        if name is None or not (self.root / name).is_dir():
            raise IndexNotBuilt(
                f"no index in {self.root}: run `searchapp index build` first"
            )
        return self.root / name

    def open_current(self) -> whoosh_index.Index:
        return whoosh_index.open_dir(str(self.current_path()))

    def create_generation(self) -> Path:
        """An empty whoosh index in a fresh generation folder (not live yet)."""
        self.root.mkdir(parents=True, exist_ok=True)
        stamp = time.strftime("%Y%m%dT%H%M%S")
        path = Path(tempfile.mkdtemp(prefix=f"{GENERATION_PREFIX}{stamp}-", dir=self.root))
        whoosh_index.create_in(str(path), build_schema())
        return path

    def publish(self, generation: Path) -> None:
        """Make `generation` live atomically, then prune generations beyond the kept ones."""
        fd, tmp = tempfile.mkstemp(prefix=".pointer-", dir=self.root)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(generation.name + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, self.pointer)
        self.prune()

    def discard(self, generation: Path) -> None:
        """Remove a generation that failed to build; the live one is untouched."""
        shutil.rmtree(generation, ignore_errors=True)

    def generations(self) -> list[Path]:
        """Generation folders, oldest first (names start with a timestamp)."""
        if not self.root.is_dir():
            return []
        found = [
            p for p in self.root.iterdir()
            if p.is_dir() and p.name.startswith(GENERATION_PREFIX)
        ]
        return sorted(found, key=lambda p: (p.stat().st_mtime, p.name))

    def prune(self) -> None:
        """Keep the live generation and the newest older ones that workers may still read."""
        live = self.current_name()
        older = [p for p in self.generations() if p.name != live]
        for stale in older[: max(0, len(older) - (self.keep_generations - 1))]:
            shutil.rmtree(stale, ignore_errors=True)
