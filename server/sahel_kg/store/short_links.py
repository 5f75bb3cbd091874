"""Short links for the query page: ``/q/{id}`` names a query and the result view it was shared with.

Content-addressed: the id is the start of the SHA-256 of the view and the
query text, so the same query shared twice gets the same link, and a link
never changes meaning. Links live in a small SQLite file beside the store
pointer (``Settings.short_links_path``), never inside a built store, so a
restart or a rebuild keeps them.

>>> link_id("SELECT * WHERE { ?s ?p ?o }", "table") == link_id("SELECT * WHERE { ?s ?p ?o }", "table")
True
>>> link_id("ASK {}", "table") != link_id("ASK {}", "map")
True
>>> len(link_id("ASK {}", ""))
12
"""

from __future__ import annotations

import base64
import hashlib
import sqlite3
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

#: Characters of the id: 12 base32 characters are 60 bits, no collision in any plausible number of links.
ID_LENGTH = 12
SCHEMA = """CREATE TABLE IF NOT EXISTS short_link (
  id TEXT PRIMARY KEY, query TEXT NOT NULL, view TEXT NOT NULL, created TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP)"""


@dataclass(frozen=True)
class SharedQuery:
    """What a short link names: a query and its view's URL parameters (``view=map&...``, maybe empty)."""

    query: str
    view: str


def link_id(query: str, view: str) -> str:
    """The id of a query shared with a view: lowercase base32 of its SHA-256, cut to :data:`ID_LENGTH`."""
    digest = hashlib.sha256(f"{view}\n{query}".encode()).digest()
    return base64.b32encode(digest).decode("ascii").lower()[:ID_LENGTH]


def _connect(path: Path) -> sqlite3.Connection:
    path.parent.mkdir(parents=True, exist_ok=True)
    connection = sqlite3.connect(path, timeout=5)
    connection.execute(SCHEMA)
    return connection


def save_link(path: Path, shared: SharedQuery) -> str:
    """Store the link (once; saving it again changes nothing) and return its id."""
    key = link_id(shared.query, shared.view)
    with closing(_connect(path)) as connection, connection:
        connection.execute("INSERT OR IGNORE INTO short_link (id, query, view) VALUES (?, ?, ?)",
                           (key, shared.query, shared.view))
    return key


def load_link(path: Path, key: str) -> SharedQuery | None:
    """The query and view an id names; None if there is no such link (or no file yet)."""
    if not path.exists():
        return None
    with closing(_connect(path)) as connection:
        row = connection.execute("SELECT query, view FROM short_link WHERE id = ?", (key,)).fetchone()
    return SharedQuery(row[0], row[1]) if row else None
