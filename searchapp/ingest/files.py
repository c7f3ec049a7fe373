"""Reading source files without leaving the source folder or holding too much in memory.

A folder entry is read only when it is a regular file inside the folder: a symlink to
`/etc/passwd` or to `/dev/zero` is reported and skipped. Files are read up to a size cap,
and JSON Lines / CSV files line by line with a cap on the line length, so a small gzip that
expands to one 2 GB line costs 16 MB, not 4 GB. A truncated or corrupt gzip ends its file
with a report instead of a traceback. Bytes that are not UTF-8 cost nothing but themselves:
they are replaced by U+FFFD and the line is flagged (`RepairedLine`) so the reader can say
which record they were in.
"""

from __future__ import annotations

import codecs
import gzip
import os
import stat
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

MAX_LINE_BYTES = 16 * 2**20
_DRAIN_BYTES = 2**20
NOT_UTF8 = "not UTF-8 text (save the file as UTF-8)"
NOT_UTF8_REPLACED = "records with bytes that are not UTF-8, replaced by \ufffd"
NOT_UTF8_DETAIL = "bytes that are not UTF-8 replaced by \ufffd (save the file as UTF-8)"
UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


class SourceError(ValueError):
    """A source the command was given cannot be read at all (a missing path, a device)."""


class NotRegularFile(OSError):
    pass


class RepairedLine(str):
    """A line whose bytes that are not UTF-8 were replaced by U+FFFD: kept, and reported
    with its line number, never a reason to lose the record or the rest of the file."""


def decode_line(raw: bytes, first: bool) -> str:
    """One line as text: UTF-8 (a first line's BOM dropped), or a `RepairedLine`."""
    encoding = "utf-8-sig" if first else "utf-8"
    try:
        return raw.decode(encoding)
    except UnicodeDecodeError:
        return RepairedLine(raw.decode(encoding, errors="replace"))


@dataclass(frozen=True)
class Unreadable:
    """A line that cannot be used, and whether the rest of the file is lost with it."""

    reason: str
    ends_file: bool = False


def open_regular(path: Path) -> BinaryIO:
    """Open a regular file for reading; devices, FIFOs and folders are refused (checked on
    the open descriptor, so a file swapped for a FIFO after a check cannot block us)."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise NotRegularFile(f"{path}: not a regular file")
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def folder_entry(folder: Path, path: Path) -> str | None:
    """Why an entry of a source folder must be skipped, or None when it can be read."""
    try:
        real = path.resolve(strict=True)
    except (OSError, RuntimeError):
        return "broken or looping symlink"
    if path.is_symlink() and not real.is_relative_to(folder.resolve()):
        return "symlink to a file outside the source folder"
    try:
        if not stat.S_ISREG(real.stat().st_mode):
            return "not a regular file"
    except OSError as exc:
        return f"unreadable: {exc.strerror or exc}"
    return None


def read_capped(path: Path, max_bytes: int) -> tuple[bytes, bool]:
    """At most `max_bytes` of a regular file, and whether there was more."""
    with open_regular(path) as handle:
        data = handle.read(max_bytes + 1)
    return data[:max_bytes], len(data) > max_bytes


def decode_utf8(data: bytes, cut: bool = False) -> str:
    """UTF-8 text (a leading BOM dropped); a character split by a size cut is left out.
    Raises UnicodeDecodeError for bytes that are not UTF-8."""
    if not cut:
        return data.decode("utf-8-sig")
    return codecs.getincrementaldecoder("utf-8-sig")().decode(data, final=False)


def _opened(path: Path) -> BinaryIO:
    raw = open_regular(path)
    return gzip.GzipFile(fileobj=raw, mode="rb") if path.suffix == ".gz" else raw


def text_lines(path: Path) -> Iterator[tuple[int | None, str | Unreadable]]:
    """(line number, line with its ending) pairs, `.gz` decompressed transparently.

    Lines are decoded one by one: bytes that are not UTF-8 are replaced and the line comes
    as a `RepairedLine`; a line over MAX_LINE_BYTES comes as an `Unreadable`. Damaged gzip
    data ends the file with one `Unreadable(ends_file=True)`.
    """
    number = 0
    try:
        handle = _opened(path)
    except OSError as exc:
        yield None, Unreadable(f"unreadable: {exc.strerror or exc}", ends_file=True)
        return
    with handle:
        try:
            while raw := handle.readline(MAX_LINE_BYTES + 1):
                number += 1
                if number == 1 and raw.startswith(UTF16_BOMS):
                    yield number, Unreadable("UTF-16 text (save the file as UTF-8), "
                                             "file skipped", ends_file=True)
                    return
                if len(raw) > MAX_LINE_BYTES and not raw.endswith(b"\n"):
                    while (rest := handle.readline(_DRAIN_BYTES)) and not rest.endswith(b"\n"):
                        pass
                    yield number, Unreadable(f"line longer than {MAX_LINE_BYTES // 2**20} MB")
                    continue
                yield number, decode_line(raw, number == 1)
        except (OSError, EOFError, zlib.error) as exc:
            yield number + 1, Unreadable(
                f"corrupt or truncated gzip data ({exc}), rest of file skipped", ends_file=True)
