"""Shared fixtures: real indexes built in temp dirs, and Flask test clients over them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from searchapp.api import create_app
from searchapp.engine import IndexStore
from searchapp.pipeline import build_index

FIXTURES = Path(__file__).parent / "fixtures"
SHARED = Path(__file__).resolve().parents[2] / "shared"


@pytest.fixture(scope="session")
def sample_index(tmp_path_factory) -> Path:
    """The bundled five-article sample, indexed once for the whole session."""
    root = tmp_path_factory.mktemp("sample-index")
    build_index(IndexStore(root))
    return root


@pytest.fixture(scope="session")
def client(sample_index):
    return create_app(sample_index).test_client()


def write_jsonl(path: Path, records: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path
