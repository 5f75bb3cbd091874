"""Memory, per served store, of what cannot change while it is served.

A server serves a read-only store; the store changes only by a rebuild and a
restart. So the label of an IRI, the places containing a place, or the home
page's counts read once are right for every later page. :func:`cache_for`
gives each backend its own :class:`StoreCache` (never shared between stores,
dropped with the backend); every part of it is a bounded :class:`LRU`, so the
memory it takes stays small whatever the size of the store.

Only data is kept here (IRIs, labels, numbers), never a page: each page is
still built from its own queries, and links are made per request.

>>> lru = LRU(2)
>>> lru.put("a", 1); lru.put("b", 2); lru.get("a"); lru.put("c", 3)
1
>>> lru.get("b") is MISSING, len(lru)
(True, 2)
>>> class Backend: pass
>>> one, two = Backend(), Backend()
>>> cache_for(one) is cache_for(one), cache_for(one) is cache_for(two)
(True, False)
"""

from __future__ import annotations

import enum
import threading
import weakref
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable
from typing import Any, Final, Generic, Literal, TypeVar

from sahel_kg.labels import Label

_V = TypeVar("_V")


class _Missing(enum.Enum):
    MISSING = enum.auto()


#: Returned by :meth:`LRU.get` for a key it does not hold (None may be a cached value).
MISSING: Final = _Missing.MISSING

#: Labels remembered per store (IRI → best label or None): about 350 bytes each.
LABELS = 50_000
#: Places whose containing chain is remembered.
CHAINS = 5_000
#: Other per-store constants (home page figures, vocabulary lists, ...).
CONSTANTS = 64


class LRU(Generic[_V]):
    """A thread-safe mapping that keeps the ``size`` most recently used keys."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._data: OrderedDict[Hashable, _V] = OrderedDict()
        self._lock = threading.Lock()
        self._pending: dict[Hashable, threading.Lock] = {}

    def __len__(self) -> int:
        return len(self._data)

    def get(self, key: Hashable) -> _V | Literal[_Missing.MISSING]:
        """The value for ``key``, or :data:`MISSING`."""
        with self._lock:
            if key not in self._data:
                return MISSING
            self._data.move_to_end(key)
            return self._data[key]

    def put(self, key: Hashable, value: _V) -> None:
        """Remember ``value`` for ``key``, forgetting the least recently used key when full."""
        with self._lock:
            self._data[key] = value
            self._data.move_to_end(key)
            while len(self._data) > self.size:
                self._data.popitem(last=False)

    def get_many(self, keys: Iterable[Hashable]) -> tuple[dict[Hashable, _V], list[Hashable]]:
        """The values held for ``keys``, and the keys not held."""
        found: dict[Hashable, _V] = {}
        missing: list[Hashable] = []
        with self._lock:
            for key in keys:
                if key in self._data:
                    self._data.move_to_end(key)
                    found[key] = self._data[key]
                else:
                    missing.append(key)
        return found, missing

    def remember(self, key: Hashable, compute: Callable[[], _V]) -> _V:
        """The value for ``key``, computed and kept when not held.

        Requests that ask for the same missing key at once wait for one
        computation instead of each running it; other keys are not held up.
        """
        value = self.get(key)
        if value is not MISSING:
            return value
        with self._lock:
            pending = self._pending.setdefault(key, threading.Lock())
        try:
            with pending:
                value = self.get(key)
                if value is MISSING:
                    value = compute()
                    self.put(key, value)
        finally:
            with self._lock:
                self._pending.pop(key, None)
        return value


class StoreCache:
    """The bounded caches of one served store."""

    def __init__(self) -> None:
        self.labels: LRU[Label | None] = LRU(LABELS)
        #: each place's chain of containing places, as rows (see :func:`sahel_kg.pages.entities.chain_rows`)
        self.chains: LRU[tuple[dict[str, str], ...]] = LRU(CHAINS)
        #: values of different kinds, each key's own (the home page's figures, ...)
        self.constants: LRU[Any] = LRU(CONSTANTS)


_CACHES: weakref.WeakKeyDictionary[object, StoreCache] = weakref.WeakKeyDictionary()
_LOCK = threading.Lock()


def served(backend: object) -> object:
    """The backend itself, or the one a wrapper (an object with a ``backend`` attribute) wraps."""
    while (inner := getattr(backend, "backend", None)) is not None and inner is not backend:
        backend = inner
    return backend


def cache_for(backend: object) -> StoreCache:
    """The cache of the store ``backend`` serves (wrappers that count queries share it)."""
    key = served(backend)
    with _LOCK:
        cache = _CACHES.get(key)
        if cache is None:
            cache = _CACHES[key] = StoreCache()
        return cache


def forget(backend: object) -> None:
    """Drop the cache of the store ``backend`` serves (for timings and tests; a server never needs to)."""
    with _LOCK:
        _CACHES.pop(served(backend), None)
