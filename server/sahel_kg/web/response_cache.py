"""Answers kept by entity tag: a repeat GET over a built store is sent from memory.

An entity tag (:mod:`sahel_kg.web.conditional`) names one answer of one
build to one request, so the answer's status line, headers and body can be
kept under it and sent again without running the route. The cache is bounded
in bytes (``response_cache_bytes``; 0 turns it off), keeps answers of at most
``MAX_ENTRY_BYTES`` each (body and headers), and drops the least recently used first. Only
answers to GET are kept (a HEAD's body is empty); a HEAD may be answered from
one, without its body.

>>> cache = ResponseCache(capacity_bytes=100)
>>> cache.put('"t"', [], b"x" * 60)
>>> cache.put('"u"', [], b"y" * 60)  # over capacity: the oldest goes
>>> cache.get('"t"') is None, cache.get('"u"') is not None, cache.summary()["entries"]
(True, True, 1)
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass

#: The largest answer kept (bytes of body); bigger ones are streamed afresh each time.
MAX_ENTRY_BYTES = 1 << 20


@dataclass(frozen=True)
class KeptAnswer:
    """A 200's headers (as the route sent them) and its whole body."""

    headers: list[tuple[bytes, bytes]]
    body: bytes

    @property
    def size(self) -> int:
        """Bytes it holds: the body and the headers."""
        return len(self.body) + sum(len(name) + len(value) for name, value in self.headers)


class ResponseCache:
    """A byte-bounded LRU map from entity tag to :class:`KeptAnswer`, safe across threads."""

    def __init__(self, capacity_bytes: int) -> None:
        self.capacity_bytes = capacity_bytes
        self.max_entry_bytes = min(MAX_ENTRY_BYTES, capacity_bytes)
        self._entries: OrderedDict[str, KeptAnswer] = OrderedDict()
        self._bytes = 0
        self.hits = self.misses = 0
        self._lock = threading.Lock()

    def get(self, tag: str) -> KeptAnswer | None:
        """The answer kept under ``tag`` (now the most recently used), or None."""
        with self._lock:
            kept = self._entries.get(tag)
            if kept is None:
                self.misses += 1
                return None
            self._entries.move_to_end(tag)
            self.hits += 1
            return kept

    def put(self, tag: str, headers: list[tuple[bytes, bytes]], body: bytes) -> None:
        """Keep an answer, dropping the least recently used ones past the capacity; one bigger
        than ``max_entry_bytes`` is not kept."""
        kept = KeptAnswer(list(headers), body)
        if kept.size > self.max_entry_bytes:
            return
        with self._lock:
            old = self._entries.pop(tag, None)
            if old is not None:
                self._bytes -= old.size
            self._entries[tag] = kept
            self._bytes += kept.size
            while self._bytes > self.capacity_bytes and self._entries:
                _, dropped = self._entries.popitem(last=False)
                self._bytes -= dropped.size

    def summary(self) -> dict[str, int]:
        """``{"entries", "bytes", "capacity_bytes", "hits", "misses"}`` for ``/-/health``."""
        with self._lock:
            return {"entries": len(self._entries), "bytes": self._bytes, "capacity_bytes": self.capacity_bytes,
                    "hits": self.hits, "misses": self.misses}
