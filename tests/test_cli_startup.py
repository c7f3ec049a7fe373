"""Commands that only read or serve the index start without the people model's libraries
(spaCy, thinc) or trafilatura, which took seconds to import before `--help` answered."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest

from tests.servers import ROOT

HEAVY = ("spacy", "thinc", "trafilatura")


def imported_modules(*args: str) -> set[str]:
    result = subprocess.run([sys.executable, "-X", "importtime", "-m", "searchapp.cli", *args],
                            cwd=ROOT, capture_output=True, text=True, timeout=60)
    names = set()
    for line in result.stderr.splitlines():
        if line.startswith("import time:") and "|" in line:
            names.add(line.rsplit("|", 1)[1].strip().split(".")[0])
    return names


@pytest.mark.parametrize("args", [["--help"], ["index", "--help"], ["serve", "--help"],
                                  ["index", "stats"], ["index", "delete", "nothing"]])
def test_reading_commands_do_not_import_the_people_model(args, sample_index, tmp_path):
    copy = tmp_path / "index"
    shutil.copytree(sample_index, copy)  # `delete` writes
    extra = ["--index-dir", str(copy)] if args[-1] != "--help" else []
    modules = imported_modules(*args, *extra)
    assert "searchapp" in modules and not modules & set(HEAVY), modules & set(HEAVY)
