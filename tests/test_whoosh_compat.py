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


# The private whoosh names the engine reads: only whoosh_compat.py may spell them.
WHOOSH_PRIVATE = re.compile(
    r"\._(terms|perdoc|cached_reader|read_ids|read_weights|read_values|next_block|ids\b|"
    r"weights\b|values\b|field_B|btexts|find_prefix|write_run|read_run)|_NullQuery|_lenfield|"
    r"SubWriterTask\.run|multiproc\.SegmentWriter\s*=")
# What the issue's `grep -rn "\._[a-z]" searchapp/` may find outside the compat module: our
# own attributes (self._x, cls._x) and os._exit.
PRIVATE_ACCESS = re.compile(r"(\w+|\))\._[a-z]")
OWN_RECEIVERS = {"self", "cls", "os"}


def _outside_compat():
    for path in sorted((ROOT / "searchapp").rglob("*.py")):
        if path.name != "whoosh_compat.py":
            yield path, path.read_text(encoding="utf-8").splitlines()


def test_only_the_compat_module_touches_whoosh_internals():
    found = []
    for path, lines in _outside_compat():
        for number, line in enumerate(lines, 1):
            code = line.split("#", 1)[0]
            receivers = {m.group(1) for m in PRIVATE_ACCESS.finditer(code)}
            if WHOOSH_PRIVATE.search(code.replace("self._", "self.")) or (
                    receivers - OWN_RECEIVERS):
                found.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert found == []


def test_our_subclasses_of_whoosh_classes_never_use_a_whoosh_private_name():
    """`self._x` in a subclass of a whoosh class is ours only if whoosh has no `_x`."""
    import importlib
    import inspect

    clashes = []
    for path, _ in _outside_compat():
        if "engine" not in path.parts:
            continue
        name = ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
        module = importlib.import_module(name)
        for cls in vars(module).values():
            if not (inspect.isclass(cls) and cls.__module__ == name):
                continue
            whoosh_bases = [b for b in cls.__mro__ if b.__module__.startswith("whoosh")]
            if not whoosh_bases:
                continue
            theirs = {attr for base in whoosh_bases for attr in vars(base)}
            theirs |= set(re.findall(r"self\.(_[a-z]\w*)", "".join(
                inspect.getsource(base) for base in whoosh_bases if base is not object)))
            ours = set(re.findall(r"self\.(_[a-z]\w*)", inspect.getsource(cls)))
            clashes += [f"{name}.{cls.__name__}.{attr}" for attr in ours & theirs]
    assert clashes == []


def test_the_writer_patches_are_installed_once(tmp_path):
    from whoosh import multiproc
    from whoosh.writing import PostingPool

    from searchapp.article import Article
    from searchapp.engine import Indexer, IndexStore
    from searchapp.engine.index.segment_writer import FastSegmentWriter
    from searchapp.engine.whoosh_compat import install_writer_patches

    Indexer(IndexStore(tmp_path)).rebuild([Article("a", "T", "body")])
    run = multiproc.SubWriterTask.run
    install_writer_patches(FastSegmentWriter, PostingPool._write_run, PostingPool._read_run)
    Indexer(IndexStore(tmp_path))
    assert multiproc.SubWriterTask.run is run  # not wrapped again
    assert multiproc.SegmentWriter is FastSegmentWriter
    assert PostingPool._write_run.__module__ == "searchapp.engine.index.posting_runs"
