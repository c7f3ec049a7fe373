"""Settings read from environment variables, in one place."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

DEFAULT_INDEX_DIR = "index"
DEFAULT_REQUEST_BUDGET = 1.5


def _seconds(text: str) -> float:
    value = float(text)
    if not 0.001 <= value <= 600:
        raise ValueError("SEARCHAPP_REQUEST_BUDGET must be between 0.001 and 600 seconds")
    return value


@dataclass(frozen=True)
class Settings:
    """Runtime settings; `from_env` is the only place that reads the environment."""

    index_dir: Path
    keep_generations: int = 2
    # Seconds one search or similar-articles request may run before it answers 503; far
    # below gunicorn's worker timeout, so no request can get its worker killed.
    request_budget: float = DEFAULT_REQUEST_BUDGET
    # Origins whose pages may call the API from the browser (CORS); none by default.
    cors_origins: tuple[str, ...] = ()

    @classmethod
    def from_env(cls, index_dir: str | os.PathLike | None = None) -> Settings:
        chosen = index_dir or os.environ.get("SEARCHAPP_INDEX_DIR") or DEFAULT_INDEX_DIR
        keep = int(os.environ.get("SEARCHAPP_KEEP_GENERATIONS", "2"))
        budget = _seconds(os.environ.get("SEARCHAPP_REQUEST_BUDGET", str(DEFAULT_REQUEST_BUDGET)))
        origins = tuple(o.strip() for o in os.environ.get("SEARCHAPP_CORS_ORIGINS", "").split(",")
                        if o.strip())
        return cls(index_dir=Path(chosen), keep_generations=max(2, keep),
                   request_budget=budget, cors_origins=origins)
