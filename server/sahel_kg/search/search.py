"""Label search that ignores case and accents, over the store's on-disk index.

Every word of the query must begin a word of a label ("segou" finds "Ségou
Region", "CSP" finds "CSP-DPA"). Best first, one hit per resource: a label
equal to the query, then one starting with it, then the others; a main label
before an alternative one; by name within each. The index is the SQLite file
:mod:`sahel_kg.search.index` writes; reading it never loads it into memory.

Which index (:func:`index_for`): the one ``sahel-kg build`` wrote beside the
store the app serves. An app without one (an external SPARQL store, an
in-memory store, a store built before indexes existed) builds its own on
first use, in a thread; until it is ready :class:`SearchUnavailable` says so.

>>> import pyoxigraph, tempfile
>>> from sahel_kg.store.backend import EmbeddedBackend
>>> store = pyoxigraph.Store()
>>> store.load('''<http://e/a> <http://www.w3.org/2000/01/rdf-schema#label> "Ségou Region" .
... <http://e/b> <http://www.w3.org/2000/01/rdf-schema#label> "Old road to Ségou" .''',
...            format=pyoxigraph.RdfFormat.TURTLE)
>>> with tempfile.TemporaryDirectory() as d:
...     _ = build_index_file(EmbeddedBackend(store), Path(d) / "index.sqlite")
...     index = SearchIndex(Path(d) / "index.sqlite")
...     found = [(hit.entry.iri, hit.score) for hit in index.search("SEGOU")]
...     index.close()
>>> found
[('http://e/a', 2), ('http://e/b', 4)]
"""

from __future__ import annotations

import logging
import os
import queue
import shutil
import sqlite3
import tempfile
import threading
import time
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from sahel_kg.search.index import PREFIX_LENGTHS, build_index_file, index_path, is_current, normalise, tokens
from sahel_kg.store.backend import GraphBackend
from sahel_kg.store.remote import StoreUnavailable

#: Longest query read, in characters, and most words matched; the rest is ignored.
MAX_QUERY_CHARS = 200
MAX_WORDS = 8
#: Most hits a search returns.
MAX_LIMIT = 200
#: Labels read per way of matching (equal or starting with the query, main or
#: alternative; every word matched); the hits are the best of these.
CANDIDATES = 300
#: A word longer than FTS5's ready-made beginnings matches as the OR of at most this
#: many whole words it begins (read from ``terms``); with more, as a prefix.
MAX_EXPANSION = 32
#: Open read-only connections per index, and the page cache of each (KiB).
CONNECTIONS = 4
CACHE_KIB = 4096
#: Seconds a search waits for an index being built before answering that it is.
BUILD_WAIT = 3.0
#: Seconds a client is asked to wait (Retry-After) while the index is built.
RETRY_AFTER = 30

_LOCK = threading.Lock()
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Entry:
    """One label of one resource."""

    iri: str
    text: str  # the label as written
    name: str  # the resource's main label
    kind: str  # its type's local name
    main: bool  # the label is the main one, not an alternative


@dataclass(frozen=True)
class Hit:
    """A search result: the entry that matched and how well (lower is better)."""

    entry: Entry
    score: int


class SearchUnavailable(Exception):
    """Search cannot answer now: its index is being built, or its build failed."""

    def __init__(self, message: str, retry_after: int = RETRY_AFTER) -> None:
        super().__init__(message)
        self.message, self.retry_after = message, retry_after


def parse(query: str) -> tuple[str, list[str]]:
    """The normalised query and the distinct words that must match, both capped.

    >>> parse('  Ségou  "region" AND NOT x* segou')
    ('segou "region" and not x* segou', ['segou', 'region', 'and', 'not', 'x'])
    """
    whole = normalise(query[:MAX_QUERY_CHARS])
    return whole, list(dict.fromkeys(tokens(whole)))[:MAX_WORDS]


def word_query(conn: sqlite3.Connection, word: str) -> str | None:
    """The FTS5 query for labels with a word beginning with ``word`` (taken literally), or
    None when no indexed word begins with it.

    Short words use FTS5's prefix index; a longer one becomes the OR of the few
    indexed words it begins, which FTS5 reads lazily (a ``*`` query over long
    words first merges the whole lists of every word it matches).
    """
    if len(word) <= max(PREFIX_LENGTHS):
        return quoted(word) + "*"
    found = [t for (t,) in conn.execute("SELECT term FROM terms WHERE term >= ? AND term < ? LIMIT ?",
                                        (word, word + "\U0010ffff", MAX_EXPANSION + 1))]
    if not found:
        return None
    if len(found) > MAX_EXPANSION:
        return quoted(word) + "*"
    return "(" + " OR ".join(quoted(t) for t in found) + ")"


def quoted(word: str) -> str:
    """A word as an FTS5 string: never an operator, a column filter or a syntax error.

    >>> quoted('NOT'), quoted('a"b')
    ('"NOT"', '"a""b"')
    """
    return '"' + word.replace('"', '""') + '"'


def score(norm: str, main: bool, whole: str) -> int:
    """0-1: the label is the query; 2-3: it starts with it; 4-5: other; odd for alternative labels.

    >>> score("segou", True, "segou"), score("segou region", False, "segou"), score("old segou", True, "segou")
    (0, 3, 4)
    """
    return (0 if norm == whole else 1 if norm.startswith(whole) else 2) * 2 + (0 if main else 1)


CANDIDATE_SQL = """
SELECT e.main, e.text, e.norm, r.iri, r.name, r.kind, r.key FROM (
  SELECT id FROM (SELECT id FROM entries WHERE main = 1 AND norm >= :whole AND norm < :upper
                  ORDER BY norm LIMIT :k)
  UNION SELECT id FROM (SELECT id FROM entries WHERE main = 0 AND norm >= :whole AND norm < :upper
                        ORDER BY norm LIMIT :k)
  UNION SELECT id FROM (SELECT rowid AS id FROM words WHERE words MATCH :match LIMIT :k)
) AS c JOIN entries e ON e.id = c.id JOIN resources r ON r.id = e.res
"""


#: A candidate row: main (0/1), text, normalised text, then the resource's iri, name, kind and sort key.
Row = tuple[int, str, str, str, str, str, str]


def candidates(conn: sqlite3.Connection, whole: str, words: list[str]) -> list[Row]:
    """A bounded set of labels matching the query, holding its best hits."""
    parts = [word_query(conn, w) for w in words]
    matches = [part for part in parts if part is not None]
    if len(matches) < len(parts):  # some word begins no word of any label
        return []
    params = {"whole": whole, "upper": whole + "\U0010ffff", "match": " AND ".join(matches), "k": CANDIDATES}
    return conn.execute(CANDIDATE_SQL, params).fetchall()


def rank(rows: list[Row], whole: str, limit: int) -> list[Hit]:
    """The best hit of each resource, best first, by name within a score; at most ``limit``."""
    best: dict[str, tuple[int, str, Entry]] = {}
    for main, text, norm, iri, name, kind, key in rows:
        s = score(norm, bool(main), whole)
        if iri not in best or s < best[iri][0]:
            best[iri] = (s, key, Entry(iri, text, name, kind, bool(main)))
    ranked = sorted(best.values(), key=lambda b: (b[0], b[1], b[2].iri))
    return [Hit(entry, s) for s, _, entry in ranked[:max(0, min(limit, MAX_LIMIT))]]


class SearchIndex:
    """An index file opened read-only, with a few connections shared by threads."""

    def __init__(self, path: Path, *, connections: int = CONNECTIONS) -> None:
        self.path = Path(path)
        self._idle: queue.LifoQueue[sqlite3.Connection] = queue.LifoQueue()
        self._slots = threading.BoundedSemaphore(connections)
        self._all: list[sqlite3.Connection] = []

    def _connect(self) -> sqlite3.Connection:
        uri = f"file:{quote(str(self.path))}?mode=ro&immutable=1"
        conn = sqlite3.connect(uri, uri=True, check_same_thread=False)
        conn.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
        self._all.append(conn)
        return conn

    @contextmanager
    def connection(self) -> Iterator[sqlite3.Connection]:
        """One of the index's connections, for this thread alone until the block ends."""
        if not self._slots.acquire(timeout=10):
            raise SearchUnavailable("search is busy; try again in a moment", 1)
        try:
            try:
                conn = self._idle.get_nowait()
            except queue.Empty:
                conn = self._connect()
            try:
                yield conn
            finally:
                self._idle.put(conn)
        finally:
            self._slots.release()

    def search(self, query: str, limit: int = 50) -> list[Hit]:
        """Resources with a label in which every word of ``query`` begins a word; best first, one hit each."""
        whole, words = parse(query)
        if not words:
            return []
        with self.connection() as conn:
            found = candidates(conn, whole, words)
        return rank(found, whole, limit)

    def close(self) -> None:
        """Close every connection (searches after this open new ones)."""
        for conn in self._all:
            conn.close()
        self._all.clear()
        self._idle = queue.LifoQueue()


# ---------------------------------------------------------------- which index, built when missing

class LazyIndex:
    """The index at ``path``, built there from ``backend`` in a thread the first time it is missing."""

    def __init__(self, backend: GraphBackend, path: Path, *, scratch: Path | None = None) -> None:
        self.backend, self.path = backend, path
        self._lock = threading.Lock()
        self._index: SearchIndex | None = None
        self._thread: threading.Thread | None = None
        self._error: tuple[float, str] | None = None
        if scratch is not None:  # a folder of this app's own, removed with it
            weakref.finalize(self, shutil.rmtree, scratch, ignore_errors=True)

    @property
    def building(self) -> bool:
        """Whether a build is under way."""
        return self._thread is not None and self._thread.is_alive()

    def get(self, wait: float) -> SearchIndex:
        """The index; or :class:`SearchUnavailable` when it is not ready within ``wait`` seconds."""
        with self._lock:
            if self._index is None and not self.building:
                if is_current(self.path):
                    self._index = SearchIndex(self.path)
                elif self._error is None or time.monotonic() - self._error[0] > RETRY_AFTER:
                    self._start()
            thread = self._thread
        if self._index is None and thread is not None:
            thread.join(wait)
        if self._index is not None:
            return self._index
        if self._error is not None and not self.building:
            raise SearchUnavailable(f"the search index could not be built ({self._error[1]}); "
                                    f"it will be tried again", RETRY_AFTER)
        raise SearchUnavailable("the search index of this dataset is being built; "
                                "search will answer once it is ready", RETRY_AFTER)

    def _start(self) -> None:
        self._error = None
        self._thread = threading.Thread(target=self._build, name="search-index", daemon=True)
        self._thread.start()

    def _build(self) -> None:
        try:
            build_index_file(self.backend, self.path, log=log.info)
            self._index = SearchIndex(self.path)
        except Exception as exc:  # reported to searchers (the store's own words only), tried again later
            log.exception("building the search index %s failed", self.path)
            said = exc.message if isinstance(exc, StoreUnavailable) else "see the server's log"
            self._error = (time.monotonic(), said)


def served_store_dir(state: object) -> Path | None:
    """The directory of the on-disk store the app serves, when it has one.

    ``state.store_dir``, set by :func:`sahel_kg.app.create_app`; None for
    in-memory and external stores.
    """
    found = getattr(state, "store_dir", None)
    return Path(found) if found else None


def lazy_index(state: object, backend: GraphBackend) -> LazyIndex:
    """Where the app's index is: beside its built store (built there if missing and the
    folder is writable), else in a temporary folder of the app's own."""
    store_dir = served_store_dir(state)
    if store_dir is not None:
        beside = index_path(store_dir)
        if beside.is_file() or os.access(store_dir.parent, os.W_OK):
            return LazyIndex(backend, beside)
    scratch = Path(tempfile.mkdtemp(prefix="sahel-kg-search-"))
    return LazyIndex(backend, scratch / "index.sqlite", scratch=scratch)


def index_for(state: object, backend: GraphBackend, *, wait: float | None = None) -> SearchIndex:
    """The app's index (``state`` is ``app.state``); :class:`SearchUnavailable` while it is
    built and not ready within ``wait`` seconds (default :data:`BUILD_WAIT`)."""
    with _LOCK:
        lazy: LazyIndex | None = getattr(state, "search_index", None)
        if lazy is None:
            lazy = lazy_index(state, backend)
            setattr(state, "search_index", lazy)
    return lazy.get(BUILD_WAIT if wait is None else wait)


__all__ = ["Entry", "Hit", "LazyIndex", "SearchIndex", "SearchUnavailable", "index_for", "normalise", "parse"]
