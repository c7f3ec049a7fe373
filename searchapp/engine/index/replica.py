"""Serving replicas and backups: `searchapp index sync SRC DST` copies the live generation
of one index root into another and switches the copy live there.

Whoosh never rewrites a file: a commit (an add, a delete) writes new segment files and a
new table of contents, and later removes the files merged away; a segment's arrays under
`derived/` are renamed into place whole. So a point-in-time copy is the list of files
taken under the source's write lock (a moment: no commit is half-written then), copied
afterwards without holding it. Should a commit remove a listed file mid-copy, the copy
starts again from a new list.

Every file is checksummed (SHA-256) as it is read, written to a hidden folder of the
destination, fsynced, and read back against its checksum; the folder then gets its
generation name with one rename and the destination's CURRENT pointer is replaced, as a
rebuild does. A server on the destination therefore never sees a half-copied generation,
and a copy killed half way leaves the destination serving what it served (the next sync
removes the leftover folder). A second sync repeated after adds copies only the new files:
those the destination's live copy already holds, with the same checksum, are hard-linked.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import shutil
import stat
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from whoosh import index as whoosh_index

from searchapp.engine.errors import EngineError, IndexUnavailable
from searchapp.engine.store import GENERATION_PREFIX, IndexStore, fsync_dir, umasked

MANIFEST_NAME = "sync-manifest.json"
STAGING_PREFIX = ".incoming-"
CHUNK_BYTES = 1 << 20
LOCK_WAIT_SECONDS = 30.0
MAX_ATTEMPTS = 5
_SKIPPED = ("MAIN_WRITELOCK",)  # whoosh's lock file: the copy is nobody's writer


class SyncFailed(EngineError, RuntimeError):
    """A sync that could not finish; the destination still serves what it served."""


@dataclass
class SyncStats:
    source_generation: str = ""
    generation: str = ""  # the destination's live generation afterwards
    documents: int | None = None
    files: int = 0
    copied_bytes: int = 0
    linked_files: int = 0
    total_bytes: int = 0
    seconds: float = 0.0
    attempts: int = 0
    up_to_date: bool = False
    removed_leftovers: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _Listed:
    path: str  # relative to the generation folder, with "/"
    size: int


class _Vanished(Exception):
    """A listed file went away mid-copy (a commit merged it): list again."""


class _Throttle:
    """Keeps the copy under `rate` bytes per second (None: as fast as the disks go), so a
    sync over the network leaves bandwidth to the servers (rsync's --bwlimit)."""

    def __init__(self, rate: float | None):
        self.rate = rate
        self.started = time.monotonic()
        self.sent = 0

    def account(self, count: int) -> None:
        if not self.rate:
            return
        self.sent += count
        ahead = self.sent / self.rate - (time.monotonic() - self.started)
        if ahead > 0:
            time.sleep(ahead)


def _toc_generation(folder: Path) -> int:
    numbers = [int(p.name[len("_MAIN_"):-len(".toc")]) for p in folder.glob("_MAIN_*.toc")
               if p.name[len("_MAIN_"):-len(".toc")].isdigit()]
    return max(numbers, default=0)


def _list_files(generation: Path) -> list[_Listed]:
    """Every regular file of a generation (symlinks and other kinds refused: a generation
    holds only what the writer wrote)."""
    found = []
    for dirpath, dirnames, filenames in os.walk(generation):
        base = Path(dirpath)
        dirnames[:] = [d for d in dirnames if not d.startswith(".")]  # arrays being written
        for name in filenames:
            if name in _SKIPPED:
                continue
            path = base / name
            info = path.lstat()
            if not stat.S_ISREG(info.st_mode):
                raise SyncFailed(f"{path} is not a regular file: refusing to copy it")
            found.append(_Listed(path.relative_to(generation).as_posix(), info.st_size))
    return sorted(found, key=lambda f: f.path)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(CHUNK_BYTES):
            digest.update(chunk)
    return digest.hexdigest()


def _manifest(generation: Path, source_generation: str) -> dict[str, list]:
    """path -> [size, sha256] of a generation a sync copied from `source_generation`
    (empty otherwise: files of another generation share names such as _MAIN_1.toc)."""
    try:
        data = json.loads((generation / MANIFEST_NAME).read_text(encoding="utf-8"))
        if data["source_generation"] != source_generation:
            return {}
        return {k: v for k, v in data["files"].items() if isinstance(v, list) and len(v) == 2}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return {}


def _copy_file(source: Path, target: Path, throttle: _Throttle) -> str:
    """Copy one file, fsynced; its SHA-256 as read from `source`."""
    digest = hashlib.sha256()
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        src = open(source, "rb")  # noqa: SIM115 - both handles closed below
    except FileNotFoundError:
        raise _Vanished(source) from None
    with src, open(target, "wb") as dst:
        while chunk := src.read(CHUNK_BYTES):
            digest.update(chunk)
            dst.write(chunk)
            throttle.account(len(chunk))
        dst.flush()
        os.fsync(dst.fileno())
    return digest.hexdigest()


def _remove_leftovers(root: Path) -> list[str]:
    """Staging folders of syncs that were killed (no sync runs: we hold the rebuild lock)."""
    removed = []
    for path in root.glob(STAGING_PREFIX + "*"):
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
            removed.append(path.name)
    return removed


def sync(source_root: Path, target_root: Path, keep_generations: int = 2,
         bandwidth: float | None = None, lock_wait: float = LOCK_WAIT_SECONDS) -> SyncStats:
    """Copy the live generation of `source_root` into `target_root` and make it live there.

    Raises IndexUnavailable when the source has no complete live generation, IndexBusy
    when another sync or rebuild of the target runs, SyncFailed when the copy cannot be
    made; in each case the target serves what it served."""
    started = time.monotonic()
    source, target = IndexStore(source_root), IndexStore(target_root)
    if source.root.resolve() == target.root.resolve():
        raise ValueError("the source and the destination are the same index folder")
    stats = SyncStats()
    target.claim_rebuild(lock_wait)
    try:
        stats.removed_leftovers = _remove_leftovers(target.root)
        for attempt in range(1, MAX_ATTEMPTS + 1):
            stats.attempts = attempt
            try:
                _sync_once(source, target, bandwidth, lock_wait, stats)
                break
            except _Vanished:
                continue
        else:
            raise SyncFailed(
                f"{source.root} changed under the copy {MAX_ATTEMPTS} times (commits merging "
                "segments away); try again when fewer adds run")
    finally:
        target.end_rebuild()
    stats.seconds = time.monotonic() - started
    return stats


def _listing(source: IndexStore) -> tuple[Path, list[_Listed]]:
    live = source.current_path()
    if not source.is_complete(live):
        raise IndexUnavailable(f"the live generation of {source.root} is not marked "
                               "complete; rebuild it before syncing")
    return live, _list_files(live)


def _listed_under_lock(source: IndexStore, lock_wait: float) -> tuple[Path, list[_Listed]]:
    """The live generation and its files, listed while no commit runs; a source this
    process may not write to (a read-only mount: nobody commits there) without the lock."""
    try:
        lock = source.writing(lock_wait)
        lock.__enter__()
    except PermissionError:
        return _listing(source)
    except OSError as exc:
        if exc.errno != errno.EROFS:
            raise
        return _listing(source)
    try:
        return _listing(source)
    finally:
        lock.__exit__(None, None, None)


def _sync_once(source: IndexStore, target: IndexStore, bandwidth: float | None,
               lock_wait: float, stats: SyncStats) -> None:
    live, listed = _listed_under_lock(source, lock_wait)
    name = f"{live.name}-s{_toc_generation(live)}"
    stats.source_generation = live.name
    stats.total_bytes = sum(f.size for f in listed)
    stats.files = len(listed)
    if not name.startswith(GENERATION_PREFIX):  # (the pointer's rules: see store.py)
        raise SyncFailed(f"cannot name a copy of {live.name}")
    current = _current(target)
    reusable = _manifest(current, live.name) if current is not None else {}
    if current is not None and current.name == name and reusable and (
            {f.path: f.size for f in listed} == {k: v[0] for k, v in reusable.items()}):
        stats.generation, stats.up_to_date = name, True
        stats.documents = _documents(current)
        return
    target.root.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=target.root))
    staging.chmod(umasked(0o755))  # readable by a server of another user, as a build's
    try:
        checksums = _copy_all(live, staging, listed, current, reusable,
                              _Throttle(bandwidth), stats)
        for relative, (size, digest) in checksums.items():  # read back what was written
            copied = staging / relative
            if copied.stat().st_size != size or _sha256(copied) != digest:
                raise SyncFailed(f"{copied} does not read back as written (a disk or a "
                                 "network mount at fault?); the destination is unchanged")
        (staging / MANIFEST_NAME).write_text(json.dumps({
            "source": str(source.root), "source_generation": live.name,
            "files": checksums}), encoding="utf-8")
        for folder in sorted({(staging / r).parent for r in checksums} | {staging}):
            fsync_dir(folder)
        final = target.root / name
        if final.exists():  # an earlier copy of the same state that is not live: replace it
            shutil.rmtree(final)
        os.replace(staging, final)
        fsync_dir(target.root)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    target.publish(final)
    stats.generation = name
    stats.documents = _documents(final)


def _documents(generation: Path) -> int | None:
    """The live articles of a copied generation (its marker counts those of the rebuild
    that made it, before any add)."""
    try:
        ix = whoosh_index.open_dir(str(generation))
    except Exception:  # whoosh raises many kinds for damaged files; the copy was checked
        return None
    try:
        return ix.doc_count()
    finally:
        ix.close()


def _current(target: IndexStore) -> Path | None:
    try:
        return target.current_path()
    except IndexUnavailable:
        return None


def _copy_all(live: Path, staging: Path, listed: list[_Listed], current: Path | None,
              reusable: dict[str, list], throttle: _Throttle,
              stats: SyncStats) -> dict[str, list]:
    """Copy (or hard-link from the destination's live copy) every listed file."""
    checksums: dict[str, list] = {}
    stats.copied_bytes = stats.linked_files = 0
    for item in listed:
        source_file, target_file = live / item.path, staging / item.path
        known = reusable.get(item.path)
        if current is not None and known is not None and known[0] == item.size:
            try:
                target_file.parent.mkdir(parents=True, exist_ok=True)
                os.link(current / item.path, target_file)
                checksums[item.path] = known
                stats.linked_files += 1
                continue
            except OSError:  # another file system, or links not allowed: copy it
                pass
        digest = _copy_file(source_file, target_file, throttle)
        checksums[item.path] = [item.size, digest]
        stats.copied_bytes += item.size
    return checksums
