"""Settings read from environment variables, in one place."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

DEFAULT_INDEX_DIR = "index"


@dataclass(frozen=True)
class Settings:
    """Runtime settings; `from_env` is the only place that reads the environment."""

    index_dir: Path
    keep_generations: int = 2

    @classmethod
    def from_env(cls, index_dir: str | os.PathLike | None = None) -> Settings:
        chosen = index_dir or os.environ.get("SEARCHAPP_INDEX_DIR") or DEFAULT_INDEX_DIR
        keep = int(os.environ.get("SEARCHAPP_KEEP_GENERATIONS", "2"))
        return cls(index_dir=Path(chosen), keep_generations=max(1, keep))
