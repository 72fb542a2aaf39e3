"""Binary stream helpers: give back bytes already sniffed from a stream that cannot seek (stdin)."""

from __future__ import annotations

import io
from typing import BinaryIO


class _Prefixed(io.RawIOBase):
    """A raw stream replaying already-read `head` bytes before the rest of `stream`."""

    def __init__(self, head: bytes, stream: BinaryIO) -> None:
        self._head = head
        self._stream = stream
        self.total = 0
        """Bytes handed out so far (the whole input once the end was reached)."""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        size = len(buffer)
        if self._head:
            chunk, self._head = self._head[:size], self._head[size:]
        else:
            chunk = self._stream.read(size)
        buffer[: len(chunk)] = chunk
        self.total += len(chunk)
        return len(chunk)


def replay(head: bytes, stream: BinaryIO) -> io.BufferedReader:
    """A buffered stream reading `head` and then the rest of `stream`."""
    return io.BufferedReader(_Prefixed(head, stream))


def bytes_read(stream: io.BufferedReader) -> int:
    """How many bytes a `replay` stream has taken from its source so far."""
    raw = stream.raw
    return raw.total if isinstance(raw, _Prefixed) else 0
