"""The engine refuses a whoosh release it was not tested against, and the package pins agree
with what it accepts (so pip never installs one it would refuse)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet

from searchapp.engine.whoosh_compat import TESTED, UnsupportedWhoosh, require_tested

ROOT = Path(__file__).resolve().parents[1]


def _dependencies() -> dict[str, str]:
    listed = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    return {re.split(r"[<>=!~ ]", d, maxsplit=1)[0].lower(): d for d in listed}


def test_the_installed_whoosh_is_accepted():
    require_tested()


@pytest.mark.parametrize("version", [(2, 7, 4), (2, 7, 6), (2, 8, 0), (3, 0, 0)])
def test_an_untested_whoosh_is_refused_naming_both_versions(version):
    with pytest.raises(UnsupportedWhoosh) as refused:
        require_tested(version)
    message = str(refused.value)
    assert ".".join(map(str, version)) in message and "2.7.5" in message


def test_importing_the_engine_on_an_untested_whoosh_fails_loudly():
    program = "import whoosh; whoosh.__version__ = (2, 8, 0); import searchapp.engine"
    done = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True,
                          timeout=120, cwd=ROOT)
    assert done.returncode != 0
    assert "UnsupportedWhoosh" in done.stderr and "2.8.0" in done.stderr


def _allowed(requirement: str) -> SpecifierSet:
    return Requirement(requirement).specifier


PROBES = ["2.7.4", "2.7.5", "2.7.6", "2.8.0", "3.7.5", "3.8.17", "3.8.18", "3.8.99", "3.9.0",
          "4.0.0"]


def test_pip_installs_only_a_whoosh_the_engine_accepts():
    pin = _allowed(_dependencies()["whoosh-reloaded"])
    tested = {".".join(map(str, v)) for v in TESTED}
    for probe in PROBES:
        assert (probe in pin) == (probe in tested), probe


def test_the_spacy_pin_is_the_bundled_models_range():
    model = json.loads((ROOT / "searchapp/enrich/model/meta.json").read_text())
    pin, wanted = _allowed(_dependencies()["spacy"]), SpecifierSet(model["spacy_version"])
    for probe in PROBES:
        assert (probe in pin) == (probe in wanted), probe
