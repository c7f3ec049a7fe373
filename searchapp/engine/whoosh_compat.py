"""Which whoosh releases the engine runs on.

The engine reads whoosh internals (segment and posting structures, writer hooks) that a
whoosh release may change without notice, so it is tested against exact releases and
refuses any other on import, loudly, instead of answering wrong or half-writing an index.
`pyproject.toml` pins `whoosh-reloaded` to the same releases; a new release is added here
once the suite passes on it.
"""

from __future__ import annotations

import whoosh

TESTED = ((2, 7, 5),)


class UnsupportedWhoosh(ImportError):
    """The installed whoosh is not a release the engine was tested against."""


def _spelled(version: tuple[int, ...]) -> str:
    return ".".join(map(str, version))


def require_tested(version: tuple[int, ...] | None = None) -> None:
    """UnsupportedWhoosh unless `version` (default: the installed one) is tested."""
    found = tuple(version if version is not None else whoosh.__version__)[:3]
    if found not in TESTED:
        tested = ", ".join(_spelled(v) for v in TESTED)
        raise UnsupportedWhoosh(
            f"searchapp's engine is tested with whoosh-reloaded {tested}, not "
            f"{_spelled(found)}: pip install 'whoosh-reloaded=={_spelled(TESTED[-1])}'")
