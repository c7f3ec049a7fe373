"""The one-way data flow of DESIGN.md, as imports: ingest -> enrich -> engine -> api, each
layer importing only from the layers before it (and the shared foundation), the engine
never Flask, the API never whoosh."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent / "searchapp"

# Each top-level module or package of searchapp and its place in the flow.
RANK = {
    # the foundation every layer may use: the article record, the names of people, child
    # processes, settings, URL handling, the package's version
    "": 0, "article": 0, "canonical_names": 0, "children": 0, "config": 0, "urls": 0,
    "ingest": 1,
    "enrich": 2, "runners": 2, "cluster": 2,  # enrichment, locally or on a Dask cluster
    "engine": 3,
    "pipeline": 4,  # ingest -> enrich -> engine for one build
    "api": 5,
    "server": 6, "wsgi": 6, "cli": 6,
}
NEVER = {"engine": {"flask", "flask_smorest", "marshmallow"},
         "api": {"whoosh"},
         "ingest": {"whoosh", "flask", "spacy"},
         "enrich": {"whoosh", "flask"}}


def _imports(path: Path):
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and not node.level:
            yield node.lineno, node.module
        elif isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name


def _layer(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def test_every_module_has_a_place_in_the_flow():
    tops = {p.stem if p.suffix == ".py" else p.name for p in ROOT.iterdir()
            if (p.suffix == ".py" and p.stem != "__init__") or (p / "__init__.py").exists()}
    assert tops - RANK.keys() == set()


def test_imports_only_go_upstream():
    wrong = []
    for path in sorted(ROOT.rglob("*.py")):
        relative = path.relative_to(ROOT)
        here = relative.parts[0].removesuffix(".py") if len(relative.parts) > 1 or \
            relative.stem != "__init__" else ""
        for line, module in _imports(path):
            top = module.split(".")[0]
            if top == "searchapp":
                there = _layer(module)
                if RANK[there] > RANK[here]:
                    wrong.append(f"{relative}:{line} ({here}) imports {module}")
            elif top in NEVER.get(here, ()):
                wrong.append(f"{relative}:{line} ({here}) imports {module}")
    assert wrong == []


# Inside the engine: the top-level modules are its format and shared parts (the facades,
# searcher.py and __init__.py, compose everything); read/ builds on them alone; index/ and
# collect/ build on read/, and never on each other.
ENGINE_MAY_IMPORT = {
    "top": {"top"},
    "read": {"top", "read"},
    "index": {"top", "read", "index"},
    "collect": {"top", "read", "collect"},
}
FACADES = {"searcher", "__init__"}


def _engine_part(names: list[str]) -> str:
    """The engine package a module (its names below searchapp.engine) belongs to."""
    return names[0] if names and names[0] in ENGINE_MAY_IMPORT else "top"


def test_engine_packages_import_in_one_direction():
    engine = ROOT / "engine"
    wrong = []
    for path in sorted(engine.rglob("*.py")):
        relative = path.relative_to(engine)
        here = _engine_part(list(relative.parts[:-1]))
        if here == "top" and relative.stem in FACADES:
            continue
        for line, module in _imports(path):
            if not module.startswith("searchapp.engine."):
                continue
            there = _engine_part(module.split(".")[2:])
            if there not in ENGINE_MAY_IMPORT[here]:
                wrong.append(f"engine/{relative}:{line} ({here}) imports {module}")
    assert wrong == []
