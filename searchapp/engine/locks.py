"""Advisory file locks that serialise the writers of one index root.

flock(2) locks belong to an open file, so the kernel drops them when the holder dies, even
by kill -9: a crashed rebuild never leaves a stale lock behind. Forked children (writer
subprocesses, the people pool) inherit the descriptor; it is closed in every child, so a
child that outlives its parent for a moment cannot keep the lock held.
"""

from __future__ import annotations

import errno
import fcntl
import os
import time
from pathlib import Path

POLL_SECONDS = 0.05
_HELD: set[int] = set()


def _close_inherited() -> None:
    for fd in list(_HELD):
        try:
            os.close(fd)
        except OSError:
            pass
    _HELD.clear()


os.register_at_fork(after_in_child=_close_inherited)


class FileLock:
    """An exclusive lock on `path` (created if missing), re-entrant within one object."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self._fd: int | None = None
        self._depth = 0

    @property
    def held(self) -> bool:
        return self._fd is not None

    def acquire(self, wait: float | None = 0.0) -> bool:
        """Take the lock, waiting up to `wait` seconds (None: forever); False if busy."""
        if self._fd is not None:
            self._depth += 1
            return True
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        deadline = None if wait is None else time.monotonic() + wait
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except OSError as exc:
                if exc.errno not in (errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK):
                    os.close(fd)
                    raise
                if deadline is not None and time.monotonic() >= deadline:
                    os.close(fd)
                    return False
                time.sleep(POLL_SECONDS)
        self._fd = fd
        self._depth = 1
        _HELD.add(fd)
        return True

    def release(self) -> None:
        if self._fd is None:
            return
        self._depth -= 1
        if self._depth:
            return
        fd, self._fd = self._fd, None
        _HELD.discard(fd)
        os.close(fd)  # closing the only descriptor of the open file drops the lock

    def busy(self) -> bool:
        """Whether someone else holds the lock right now (this object never counts)."""
        if self._fd is not None:
            return False
        if not self.path.exists():
            return False
        if self.acquire(0.0):
            self.release()
            return False
        return True
