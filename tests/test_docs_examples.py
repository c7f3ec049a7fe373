"""The documentation cannot drift: every `curl` example of README.md and docs/ gives the
output shown (against the bundled sample), and docs/api.md's parameter tables name exactly
the parameters of the OpenAPI spec."""

from __future__ import annotations

import re

import pytest

from tests.docs_examples import ROOT, comparable, documents, examples, render

ALL = [example for path in documents() for example in examples(path)]


def test_the_examples_were_found():
    files = {example.file.name for example in ALL}
    assert {"README.md", "api.md", "research.md"} <= files
    assert sum(example.file.name == "README.md" for example in ALL) == 3
    assert len(ALL) >= 15


@pytest.mark.parametrize("example", ALL, ids=[f"{e.file.name}:{e.path}" for e in ALL])
def test_each_example_prints_what_the_docs_show(client, example):
    assert example.shown.strip(), f"{example.command} shows no output"
    assert comparable(render(client, example)) == comparable(example.shown), (
        f"{example.file.name}: {example.command} no longer prints what it shows; "
        "regenerate with python -m tests.docs_examples --write and read the diff")


def documented_parameters() -> dict[str, set[str]]:
    """Per `## \\`GET /path\\`` heading of docs/api.md, the names its table lists."""
    text = (ROOT / "docs" / "api.md").read_text(encoding="utf-8")
    found = {}
    for heading, body in re.findall(r"^## ([^\n]+)\n(.*?)(?=^## |\Z)", text, re.S | re.M):
        paths = tuple(re.findall(r"`GET (/[^`]+)`", heading))
        if not paths or "| parameter |" not in body:
            continue
        table = body.split("| parameter |", 1)[1].split("\n\n", 1)[0]
        names = set()
        for row in table.splitlines()[2:]:
            names |= set(re.findall(r"`([a-z_]+)`", row.split(" | ")[0]))
        found[paths] = names
    return found


def spec_path(documented: str) -> str:
    """`/articles/<id>` as the spec writes it: `/api/v1/articles/{article_id}`."""
    return "/api/v1" + re.sub(r"<(\w+)>", lambda m: "{%s}" % ("article_id" if m[1] == "id"
                                                            else m[1]), documented)


def test_api_reference_lists_exactly_the_spec_parameters(client):
    spec = client.get("/api/v1/openapi.json").json["paths"]

    def spec_names(path: str) -> set[str]:
        item = spec[path]  # path parameters are listed on the path, the others on GET
        return {p["name"] for p in item.get("parameters", []) + item["get"].get("parameters", [])}

    documented = documented_parameters()
    assert len(documented) >= 5, documented
    for paths, names in documented.items():
        assert names == set().union(*(spec_names(spec_path(p)) for p in paths)), paths
    covered = {spec_path(p) for paths in documented for p in paths}
    with_parameters = {path for path in spec if spec_names(path)}
    assert with_parameters <= covered, with_parameters - covered
