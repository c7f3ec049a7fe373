"""JSON Lines from a pipe (`searchapp index add -`), in batches that end when the pipe goes quiet.

A feed writes an article now and then; waiting for a full batch would keep each one from the
index for minutes, and committing each line alone would make a segment per article. Lines
are collected until the pipe has been quiet for `idle` seconds (or `most` lines arrived),
then handed on as one batch, one commit. Lines are held to the same limits as files: at
most MAX_LINE_BYTES each, UTF-8 (other bytes replaced and reported), with a bad line
reported and skipped.
"""

from __future__ import annotations

import codecs
import os
import select
from collections.abc import Iterator

from searchapp.ingest.files import MAX_LINE_BYTES, Unreadable, decode_line

READ_BYTES = 1 << 16
Line = tuple[int, "str | Unreadable"]


class StreamLines:
    """The lines of a readable file descriptor, numbered from 1, as they arrive."""

    def __init__(self, fd: int):
        self.fd = fd
        self.number = 0
        self._pending = bytearray()
        self._overlong = False  # inside a line already reported as too long

    def _decode(self, raw: bytes) -> str | Unreadable:
        if self.number == 1 and raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            return Unreadable("UTF-16 text (send UTF-8)")
        return decode_line(raw, self.number == 1)

    def _split(self, final: bool) -> list[Line]:
        lines: list[Line] = []
        while True:
            end = self._pending.find(b"\n")
            if end < 0:
                break
            raw = bytes(self._pending[:end + 1])
            del self._pending[:end + 1]
            if self._overlong:  # the rest of a line already reported
                self._overlong = False
                continue
            self.number += 1
            lines.append((self.number, self._decode(raw)))
        if len(self._pending) > MAX_LINE_BYTES and not self._overlong:
            self.number += 1
            lines.append((self.number, Unreadable(
                f"line longer than {MAX_LINE_BYTES // 2**20} MB")))
            self._overlong = True
        if self._overlong:
            self._pending.clear()
        if final and self._pending:
            self.number += 1
            lines.append((self.number, self._decode(bytes(self._pending))))
            self._pending.clear()
        return lines

    def batches(self, idle: float, most: int) -> Iterator[list[Line]]:
        """Batches of lines: each ends after `idle` quiet seconds, `most` lines, or the end."""
        batch: list[Line] = []
        while True:
            ready, _, _ = select.select([self.fd], [], [], idle if batch else None)
            if not ready:
                yield batch
                batch = []
                continue
            chunk = os.read(self.fd, READ_BYTES)
            self._pending += chunk
            batch.extend(self._split(final=not chunk))
            if not chunk:
                break
            if len(batch) >= most:
                yield batch
                batch = []
        if batch:
            yield batch
