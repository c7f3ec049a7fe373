"""Index generations on disk, the pointer that says which one is live, and the locks.

A rebuild writes a new generation folder next to the live one, marks it complete once its
commit is on disk, and only then replaces the `CURRENT` pointer file with `os.replace`,
which is atomic: readers see either the old generation or the new one, never a half-built
index. The pointer is trusted only as the name of a generation folder directly inside the
root; anything else (a path, binary bytes, a folder without an index) is refused.

Pruning keeps the live generation and the newest complete ones before it, and removes
unfinished ones (a build that crashed or was killed before marking its generation).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from whoosh import index as whoosh_index

from searchapp.engine.declared import FacetDeclaration
from searchapp.engine.errors import IndexBusy, IndexNotBuilt, IndexUnavailable, RebuildRunning
from searchapp.engine.locks import FileLock
from searchapp.engine.schema import build_schema

POINTER_NAME = "CURRENT"
GENERATION_PREFIX = "gen-"
MARKER_NAME = "generation.json"
FORMAT_VERSION = 1
MIN_KEPT_GENERATIONS = 2  # the live one and the complete one before it, always
_GENERATION_NAME = re.compile(r"gen-[0-9A-Za-z_-]{1,100}")
_POINTER_MAX_BYTES = 256

__all__ = ["IndexStore", "IndexNotBuilt", "IndexUnavailable", "IndexBusy", "RebuildRunning"]


def fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def umasked(mode: int) -> int:
    """`mode` as the process's umask would leave it (mkstemp and mkdtemp ignore the umask
    and make files only their owner can read: a server running as another user could not)."""
    umask = os.umask(0)
    os.umask(umask)
    return mode & ~umask


def _write_atomically(path: Path, text: str) -> None:
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}-", dir=path.parent)
    try:
        os.fchmod(fd, umasked(0o644))
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    fsync_dir(path.parent)


def _has_toc(path: Path) -> bool:
    """Whether a folder holds a whoosh table of contents (checked on every request, so a
    directory listing, not an open: opening is where a damaged one is found)."""
    try:
        return any(n.startswith("_MAIN_") and n.endswith(".toc") for n in os.listdir(path))
    except OSError:
        return False


class IndexStore:
    """The generations under one index directory."""

    def __init__(self, root: str | os.PathLike, keep_generations: int = 2):
        self.root = Path(root)
        self.keep_generations = max(MIN_KEPT_GENERATIONS, keep_generations)
        self.write_lock = FileLock(self.root / ".write.lock")
        self.rebuild_lock = FileLock(self.root / ".rebuild.lock")

    @property
    def pointer(self) -> Path:
        return self.root / POINTER_NAME

    # -- the live generation ---------------------------------------------------------------
    def current_name(self) -> str | None:
        """The live generation's folder name, or None before the first build.

        Raises IndexUnavailable when the pointer holds anything but a generation name.
        """
        try:
            with open(self.pointer, "rb") as handle:
                raw = handle.read(_POINTER_MAX_BYTES + 1)
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise IndexUnavailable(f"the index pointer {self.pointer} cannot be read: "
                                   f"{exc.strerror or exc}") from None
        try:
            name = raw.decode("ascii").strip()
        except UnicodeDecodeError:
            name = None
        if not name and raw.strip() == b"":
            return None
        if not name or len(raw) > _POINTER_MAX_BYTES or not _GENERATION_NAME.fullmatch(name):
            raise IndexUnavailable(
                f"the index pointer {self.pointer} does not name a generation of this index; "
                "rebuild with `searchapp index build`")
        return name

    def current_path(self) -> Path:
        name = self.current_name()
        if name is None:
            raise IndexNotBuilt(f"no index in {self.root}: run `searchapp index build` first")
        path = self.root / name
        if path.is_symlink() or not path.is_dir() or not _has_toc(path):
            raise IndexUnavailable(
                f"the live generation {name} in {self.root} is missing or holds no index; "
                "rebuild with `searchapp index build`")
        return path

    def open_current(self) -> whoosh_index.Index:
        path = self.current_path()
        try:
            return whoosh_index.open_dir(str(path))
        except Exception as exc:  # whoosh raises many types for damaged files
            raise IndexUnavailable(f"the live generation {path.name} cannot be opened "
                                   f"({type(exc).__name__}); rebuild the index") from None

    # -- generations -----------------------------------------------------------------------
    def create_generation(self, declared: list[FacetDeclaration] | None = None) -> Path:
        """An empty whoosh index in a fresh generation folder (not live, not complete),
        with the `declared` facet fields in its schema."""
        self.root.mkdir(parents=True, exist_ok=True)
        stamp = time.strftime("%Y%m%dT%H%M%S")
        path = Path(tempfile.mkdtemp(prefix=f"{GENERATION_PREFIX}{stamp}-", dir=self.root))
        path.chmod(umasked(0o755))
        whoosh_index.create_in(str(path), build_schema(declared))
        return path

    @staticmethod
    def mark_complete(generation: Path, documents: int | None, sample: bool = False) -> None:
        """Record that the generation's commit is on disk: only such a generation goes live.
        `sample`: built from the bundled sample, which a first real build may replace."""
        marker = {"format": FORMAT_VERSION, "complete": True, "documents": documents,
                  "completed": time.strftime("%Y-%m-%dT%H:%M:%S%z")}
        if sample:
            marker["sample"] = True
        _write_atomically(generation / MARKER_NAME, json.dumps(marker) + "\n")

    @staticmethod
    def _marker(generation: Path) -> dict:
        try:
            marker = json.loads((generation / MARKER_NAME).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return marker if isinstance(marker, dict) else {}

    @classmethod
    def is_complete(cls, generation: Path) -> bool:
        return cls._marker(generation).get("complete") is True

    def live_is_sample(self) -> bool:
        """Whether the live generation holds the bundled sample (False: none is live)."""
        try:
            return self._marker(self.current_path()).get("sample") is True
        except IndexUnavailable:
            return False

    def publish(self, generation: Path) -> None:
        """Make a complete `generation` live atomically, then prune."""
        if not self.is_complete(generation):
            raise ValueError(f"{generation.name} is not marked complete")
        try:
            live = self.current_path()
        except IndexUnavailable:
            live = None
        if live is not None and not self.is_complete(live):
            # A generation written before markers existed: it served, so it was whole.
            self.mark_complete(live, None)
        _write_atomically(self.pointer, generation.name + "\n")
        self.prune()

    def discard(self, generation: Path) -> None:
        """Remove a generation that failed to build; the live one is untouched."""
        shutil.rmtree(generation, ignore_errors=True)

    def generations(self) -> list[Path]:
        """Generation folders, oldest first (names start with a timestamp)."""
        if not self.root.is_dir():
            return []
        found = [
            p for p in self.root.iterdir()
            if p.name.startswith(GENERATION_PREFIX) and p.is_dir() and not p.is_symlink()
        ]
        return sorted(found, key=lambda p: (p.stat().st_mtime, p.name))

    def prune(self) -> None:
        """Keep the live generation and the newest complete ones before it; remove the
        unfinished ones. Called by rebuilds, which hold the rebuild lock, so no other
        build is writing a generation meanwhile."""
        try:
            live = self.current_name()
        except IndexUnavailable:
            return  # never delete anything while the pointer itself is in doubt
        others = [p for p in self.generations() if p.name != live]
        complete = [p for p in others if self.is_complete(p)]
        kept = set(complete[-(self.keep_generations - 1):])
        for stale in others:
            if stale not in kept:
                shutil.rmtree(stale, ignore_errors=True)

    # -- writers ---------------------------------------------------------------------------
    @contextmanager
    def writing(self, wait: float | None) -> Iterator[None]:
        """Hold the write lock: one commit to this index root at a time."""
        self.root.mkdir(parents=True, exist_ok=True)
        if not self.write_lock.acquire(wait):
            raise IndexBusy(f"another command is writing to {self.root} (waited {wait:.0f}s); "
                            "try again when it finishes")
        try:
            yield
        finally:
            self.write_lock.release()

    def claim_rebuild(self, wait: float | None) -> None:
        """Take the rebuild lock (held until `end_rebuild`); refuses a second rebuild."""
        with self.writing(wait):
            if not self.rebuild_lock.acquire(0.0):
                raise RebuildRunning(f"another rebuild of {self.root} is running; "
                                     "wait for it to finish")

    def end_rebuild(self) -> None:
        self.rebuild_lock.release()

    def rebuild_running(self) -> bool:
        """Whether another process is rebuilding this root (checked under the write lock)."""
        return self.rebuild_lock.busy()
