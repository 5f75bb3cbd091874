r"""The wire format between the server and its query workers: length-prefixed frames over pipes.

Parent to worker: a 4-byte big-endian length and a JSON
:class:`~sahel_kg.query.evaluation.QueryJob`. Worker to parent: a one-byte
type and a 4-byte length, then the payload: ``R`` ready (JSON: its pid and
network state), ``H`` a head (JSON) followed by a ``D`` frame with the first
chunk, ``D`` data, ``E`` end, ``X`` an error after the head (the stream is cut).

>>> frame(b"D", b"abc")
b'D\x00\x00\x00\x03abc'
"""

from __future__ import annotations

import struct
from typing import BinaryIO

#: The 4-byte big-endian length that prefixes every payload.
LEN = struct.Struct(">I")


def frame(kind: bytes, payload: bytes) -> bytes:
    """One worker-to-parent frame: a type byte, a 4-byte length, the payload."""
    return kind + LEN.pack(len(payload)) + payload


def read_exact(stream: BinaryIO, n: int) -> bytes:
    """Exactly ``n`` bytes from a blocking stream; EOFError when it ends first."""
    data = stream.read(n)
    if data is None or len(data) < n:
        raise EOFError
    return data


class FrameBuffer:
    """Bytes read from a worker, cut into frames.

    >>> buffer = FrameBuffer()
    >>> buffer.feed(b"D\\x00\\x00\\x00\\x03ab")
    >>> buffer.next_frame() is None
    True
    >>> buffer.feed(b"cE\\x00\\x00\\x00\\x00")
    >>> buffer.next_frame(), buffer.next_frame(), buffer.next_frame()
    ((b'D', b'abc'), (b'E', b''), None)
    """

    def __init__(self) -> None:
        self._data = bytearray()

    def feed(self, data: bytes) -> None:
        """Add bytes read from the pipe."""
        self._data += data

    def missing(self) -> int:
        """How many more bytes the next frame needs (at least one)."""
        if len(self._data) < 5:
            return 5 - len(self._data)
        size: int = LEN.unpack_from(self._data, 1)[0]
        return max(1, 5 + size - len(self._data))

    def next_frame(self) -> tuple[bytes, bytes] | None:
        """The next complete frame, or None."""
        if len(self._data) < 5:
            return None
        (size,) = LEN.unpack_from(self._data, 1)
        if len(self._data) < 5 + size:
            return None
        kind, payload = bytes(self._data[:1]), bytes(self._data[5:5 + size])
        del self._data[:5 + size]
        return kind, payload
