"""The `curl` examples of README.md and docs/*.md: found, run against an app, and rendered
as curl would print them.

Each ```console block holds `$ curl -s 'http://127.0.0.1:8000/...'` commands (optionally
piped to `python3 -m json.tool --no-ensure-ascii`), each followed by its output. The test
runs them against the bundled sample; after an API change, regenerate the outputs with

    python -m tests.docs_examples --write

and read the diff before committing it.
"""

from __future__ import annotations

import json
import re
import sys
from dataclasses import dataclass
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BASE = "http://127.0.0.1:8000"
COMMAND = re.compile(r"^\$ curl -s '(?P<url>[^']+)'(?P<pretty> \| python3 -m json\.tool "
                     r"--no-ensure-ascii)?$")
BLOCK = re.compile(r"^```console\n(.*?)^```$", re.S | re.M)
VOLATILE = {"took_ms", "generation"}  # differ from run to run and build to build


@dataclass
class Example:
    file: Path
    command: str
    url: str
    pretty: bool
    shown: str  # the output the document shows

    @property
    def path(self) -> str:
        return self.url[len(BASE):]


def documents() -> list[Path]:
    return [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]


def examples(path: Path) -> list[Example]:
    """Every command of the file's console blocks; a line that is not a known command
    but starts with `$ ` is an error, so an example cannot escape the test."""
    found = []
    for block in BLOCK.findall(path.read_text(encoding="utf-8")):
        current: Example | None = None
        for line in block.splitlines():
            if line.startswith("$ "):
                match = COMMAND.match(line)
                if not match or not match["url"].startswith(BASE + "/"):
                    raise ValueError(f"{path.name}: not a runnable example: {line}")
                current = Example(path, line, match["url"], bool(match["pretty"]), "")
                found.append(current)
            elif current is not None:
                current.shown += line + "\n"
            elif line.strip():
                raise ValueError(f"{path.name}: output before any command: {line}")
    return found


def render(client, example: Example) -> str:
    """What the command prints against `client` (a Flask test client)."""
    response = client.get(example.path)
    text = response.get_data(as_text=True)
    if example.pretty:
        return json.dumps(json.loads(text), indent=4, ensure_ascii=False) + "\n"
    return text if text.endswith("\n") else text + "\n"


def comparable(text: str):
    """The output as data, volatile values blanked: JSON, JSON Lines, or lines of text."""
    def blank(value):
        if isinstance(value, dict):
            return {k: None if k in VOLATILE else blank(v) for k, v in value.items()}
        if isinstance(value, list):
            return [blank(v) for v in value]
        return value
    try:
        return blank(json.loads(text))
    except ValueError:
        pass
    lines = [line for line in text.splitlines() if line.strip()]
    try:
        return [blank(json.loads(line)) for line in lines]
    except ValueError:
        return lines


def write_outputs(client) -> None:
    """Replace each example's shown output with what it prints now, where it differs in
    more than the volatile values (so a rewrite does not churn `took_ms`)."""
    for path in documents():
        text = path.read_text(encoding="utf-8")
        found = {example.command: example for example in examples(path)}
        new = BLOCK.sub(partial(_filled, client, found), text)
        if new != text:
            path.write_text(new, encoding="utf-8")
            print(f"wrote {path.relative_to(ROOT)}")


def _filled(client, found: dict[str, Example], block: re.Match) -> str:
    out = []
    for line in block.group(1).splitlines():
        if line.startswith("$ "):
            example = found[line]
            now, before = render(client, example), example.shown
            keep = before.strip() and comparable(before) == comparable(now)
            out.append(line + "\n" + (before if keep else now).rstrip("\n"))
    return "```console\n" + "\n".join(out) + "\n```"


if __name__ == "__main__":
    if sys.argv[1:] != ["--write"]:
        sys.exit("usage: python -m tests.docs_examples --write")
    import tempfile

    from searchapp.api import create_app
    from searchapp.engine import IndexStore
    from searchapp.pipeline import build_index

    with tempfile.TemporaryDirectory() as folder:
        build_index(IndexStore(Path(folder)))
        write_outputs(create_app(folder).test_client())
