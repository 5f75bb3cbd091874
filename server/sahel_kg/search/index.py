"""The search index on disk: an SQLite file with an FTS5 table of normalised labels.

Built once per store, streamed from the graph (:func:`build_index_file`):
every rdfs:label, skos:prefLabel, skos:altLabel and dcterms:title of an IRI,
except those of claims and their count and quote nodes (claims are reached
from their incident's page). The rows go through a staging database beside
the output, never into a Python list, and the finished file replaces its
destination in one rename, so a reader never sees half an index.

``sahel-kg build`` writes the index of a store beside it
(:func:`index_path`: ``store-<hash>-<n>.search.sqlite``) before it swaps the
pointer, and :func:`prune` removes the indexes of stores that are gone.
:mod:`sahel_kg.search.search` reads the files.

Tables: ``resources`` (iri, main label ``name``, ``kind`` as a type's local
name, sort ``key``); ``entries`` (one per distinct label, numbered main labels
first then by the resource's key, so the FTS5 table ``words`` returns its
matches best first); ``terms`` (every word in ``words``, to turn the
beginning of a word into the words it begins); ``meta`` (format and counts).

>>> normalise("  Ségou   RÉGION "), tokens("csp-dpa (fama)"), tokens("--")
('segou region', ['csp', 'dpa', 'fama'], [])
>>> index_path(Path("/var/store-0123456789abcdef-7"))
PosixPath('/var/store-0123456789abcdef-7.search.sqlite')
"""

from __future__ import annotations

import os
import sqlite3
import threading
import time
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pyoxigraph

from sahel_kg.labels import DC_TITLE, RDF_TYPE, RDFS_LABEL, SKOS_ALT, SKOS_PREF, lang_rank
from sahel_kg.languages import DEFAULT
from sahel_kg.namespaces import BASE, PREFIXES, local_name
from sahel_kg.rdf import oxigraph_types as ox
from sahel_kg.rdf.oxigraph_types import Term
from sahel_kg.store.backend import EmbeddedBackend, GraphBackend, RemoteBackend, virtuoso_bnode_chunks
from sahel_kg.store.remote import JSON_RESULTS, ResponseReader, StoreUnavailable, translate_errors

#: Bump when the file's tables or their meaning change; older files are rebuilt.
FORMAT = "1"
SUFFIX = ".search.sqlite"
MAIN_LABELS = (RDFS_LABEL, SKOS_PREF, DC_TITLE)
LABELS = (*MAIN_LABELS, SKOS_ALT)
#: Resources of these types are not indexed: claims, and the count and quote nodes of claims.
EXCLUDED_TYPES = (PREFIXES["shg"] + "Claim", PREFIXES["shg"] + "Count", PREFIXES["oa"] + "TextQuoteSelector")
#: The tokenizer of the FTS5 table; :func:`tokens` splits queries the same way.
TOKENIZER = "unicode61 remove_diacritics 2"
#: Lengths of the word beginnings FTS5 keeps ready-made lists for; longer
#: beginnings are looked up in ``terms``, the table of every word indexed.
PREFIX_LENGTHS = (1, 2, 3)
#: Rows per INSERT batch while streaming.
BATCH = 10_000

Log = Callable[[str], None]


def normalise(text: str) -> str:
    """Text without accents, case-folded, with runs of spaces made one."""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(stripped.casefold().split())


def tokens(text: str) -> list[str]:
    """The words of normalised text as the FTS5 tokenizer sees them (letters, digits, private use)."""
    marked = "".join(c if unicodedata.category(c)[0] in "LN" or unicodedata.category(c) == "Co" else " "
                     for c in text)
    return marked.split()


def index_path(store_dir: Path) -> Path:
    """Where the search index of a built store lives: beside it."""
    return store_dir.with_name(store_dir.name + SUFFIX)


# ---------------------------------------------------------------- reading the graph

def label_query(predicate: str) -> str:
    """Every value of one label property (blank nodes and IRIs are dropped as they are read:
    a FILTER in the query costs the store more than that)."""
    return f"SELECT ?s ?l WHERE {{ ?s <{predicate}> ?l }}"


TYPE_QUERY = f"SELECT ?s ?t WHERE {{ ?s <{RDF_TYPE}> ?t }}"


def stream(backend: GraphBackend, sparql: str) -> Iterator[tuple[Term, Term]]:
    """The two bound terms of each solution of a two-variable SELECT, read as they arrive.

    The embedded store's iterator is consumed on the calling thread; an
    external store's result is streamed over HTTP and parsed as it comes.
    Other backends (test doubles) answer through :meth:`GraphBackend.select`.
    """
    if isinstance(backend, EmbeddedBackend):
        for solution in ox.solutions(backend.store.query(sparql, use_default_graph_as_union=True)):
            yield solution[0], solution[1]
    elif isinstance(backend, RemoteBackend):
        yield from _remote_stream(backend, sparql)
    else:
        for row in backend.select(sparql):
            first, second = row.values()
            yield first, second


def _remote_stream(backend: RemoteBackend, sparql: str) -> Iterator[tuple[Term, Term]]:
    remote = backend.remote
    timeout = max(remote.query_timeout, 600.0)
    with remote.open_query(sparql, remote.union_params(), JSON_RESULTS, timeout=timeout) as response:
        if response.status_code != 200:
            raise StoreUnavailable(502, f"the SPARQL store refused the search index query: {response.status_code}")
        with translate_errors(remote.query_url, timeout):
            reader = ResponseReader(virtuoso_bnode_chunks(response.iter_bytes()))
            results = pyoxigraph.parse_query_results(ox.source(reader), pyoxigraph.QueryResultsFormat.JSON)
            for solution in ox.solutions(results):
                yield solution[0], solution[1]


def label_rows(backend: GraphBackend) -> Iterator[tuple[str, int, int, str]]:
    """(subject, 1 if a main label else 0, language rank, text) of every label."""
    for predicate in LABELS:
        main = int(predicate in MAIN_LABELS)
        for subject, label in stream(backend, label_query(predicate)):
            if isinstance(subject, pyoxigraph.NamedNode) and isinstance(label, pyoxigraph.Literal):
                # the index is the same for every reader: its names are English (French ones are
                # searched all the same, and pages show a reader's own; see sahel_kg.web.routes.pages)
                yield subject.value, main, lang_rank(label.language, DEFAULT), label.value


def type_rows(backend: GraphBackend) -> Iterator[tuple[str, str]]:
    """(subject, type) of every typed IRI."""
    for subject, type_ in stream(backend, TYPE_QUERY):
        if isinstance(subject, pyoxigraph.NamedNode) and isinstance(type_, pyoxigraph.NamedNode):
            yield subject.value, type_.value


def batches(rows: Iterable[tuple[object, ...]], size: int = BATCH) -> Iterator[list[tuple[object, ...]]]:
    """Rows in lists of at most ``size``.

    >>> [len(b) for b in batches(((i,) for i in range(5)), 2)]
    [2, 2, 1]
    """
    batch: list[tuple[object, ...]] = []
    for row in rows:
        batch.append(row)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


# ---------------------------------------------------------------- writing the file

_PREFIX_OPTION = " ".join(map(str, PREFIX_LENGTHS))
SCHEMA = f"""
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE resources(id INTEGER PRIMARY KEY, iri TEXT NOT NULL, name TEXT NOT NULL,
                       kind TEXT NOT NULL, key TEXT NOT NULL);
CREATE TABLE entries(id INTEGER PRIMARY KEY, res INTEGER NOT NULL, main INTEGER NOT NULL,
                     text TEXT NOT NULL, norm TEXT NOT NULL);
CREATE VIRTUAL TABLE words USING fts5(norm, content='', tokenize='{TOKENIZER}', prefix='{_PREFIX_OPTION}');
CREATE TABLE terms(term TEXT PRIMARY KEY) WITHOUT ROWID;
CREATE TABLE stage.labels(iri TEXT NOT NULL, main INTEGER NOT NULL, rank INTEGER NOT NULL, text TEXT NOT NULL);
CREATE TABLE stage.types(iri TEXT NOT NULL, type TEXT NOT NULL);
"""

#: From the staged rows to the final tables, in order, with their parameters.
#: ``name`` is the resource's main label in the preferred language (else any
#: label), ``kind`` the local name of its type, preferring ours; resources with
#: an excluded type are left out. Resources are numbered by name, and entries
#: main labels first, then by resource.
STEPS: tuple[tuple[str, tuple[object, ...]], ...] = (
    ("CREATE INDEX stage.types_iri ON types(iri, type)", ()),
    ("CREATE INDEX stage.labels_iri ON labels(iri, main, rank, text)", ()),
    (f"""CREATE TABLE stage.res AS
         SELECT iri, substr(min((1 - main) || rank || text), 3) AS name FROM stage.labels l
         WHERE NOT EXISTS (SELECT 1 FROM stage.types t WHERE t.iri = l.iri
                           AND t.type IN ({", ".join("?" * len(EXCLUDED_TYPES))}))
         GROUP BY iri""", EXCLUDED_TYPES),
    ("""INSERT INTO resources(iri, name, kind, key)
        SELECT iri, name, local_name(coalesce((SELECT type FROM stage.types t WHERE t.iri = r.iri
                                               ORDER BY substr(type, 1, ?) != ?, type LIMIT 1), '')),
               normalise(name) FROM stage.res r ORDER BY 4, 1""", (len(BASE), BASE)),
    ("""INSERT INTO entries(res, main, text, norm)
        SELECT DISTINCT r.id, l.main, l.text, normalise(l.text)
        FROM resources r JOIN stage.labels l ON l.iri = r.iri ORDER BY l.main DESC, r.id, l.text""", ()),
    ("INSERT INTO words(rowid, norm) SELECT id, norm FROM entries", ()),
    ("INSERT INTO words(words) VALUES ('optimize')", ()),
    ("CREATE VIRTUAL TABLE temp.vocabulary USING fts5vocab(main, words, row)", ()),
    ("INSERT INTO terms SELECT term FROM temp.vocabulary", ()),
    ("DROP TABLE temp.vocabulary", ()),
    ("CREATE INDEX entries_norm ON entries(main, norm)", ()),
)


@contextmanager
def _writer(path: Path, stage: Path) -> Iterator[sqlite3.Connection]:
    """A connection to a new file with the staging database attached, in one transaction."""
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.create_function("normalise", 1, normalise, deterministic=True)
        conn.create_function("local_name", 1, local_name, deterministic=True)
        for pragma in ("journal_mode = OFF", "synchronous = OFF", "cache_size = -65536", "temp_store = FILE"):
            conn.execute(f"PRAGMA {pragma}")
        conn.execute("ATTACH DATABASE ? AS stage", (str(stage),))
        conn.execute("PRAGMA stage.journal_mode = OFF")
        conn.execute("BEGIN")
        yield conn
        conn.execute("COMMIT")
        conn.execute("DETACH DATABASE stage")
    finally:
        conn.close()


def fill(conn: sqlite3.Connection, backend: GraphBackend, log: Log) -> dict[str, int]:
    """Stream the graph's labels and types into the staging tables, then build the final ones."""
    for statement in SCHEMA.strip().split(";\n"):
        conn.execute(statement)
    started = time.monotonic()
    counts = {"labels": 0, "types": 0}
    for batch in batches(type_rows(backend)):
        conn.executemany("INSERT INTO stage.types VALUES (?, ?)", batch)
        counts["types"] += len(batch)
    log(f"search index: {counts['types']} types read ({time.monotonic() - started:.1f} s)")
    for batch in batches(label_rows(backend)):
        conn.executemany("INSERT INTO stage.labels VALUES (?, ?, ?, ?)", batch)
        counts["labels"] += len(batch)
    log(f"search index: {counts['labels']} labels read ({time.monotonic() - started:.1f} s)")
    for sql, params in STEPS:
        conn.execute(sql, params)
    log(f"search index: tables written ({time.monotonic() - started:.1f} s)")
    counts["resources"] = conn.execute("SELECT count(*) FROM resources").fetchone()[0]
    counts["entries"] = conn.execute("SELECT count(*) FROM entries").fetchone()[0]
    meta = {"format": FORMAT, "built": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            **{k: str(v) for k, v in counts.items()}}
    conn.executemany("INSERT INTO meta VALUES (?, ?)", meta.items())
    return counts


def _scratch(path: Path) -> tuple[Path, Path]:
    """The partial file and the staging file of a build of ``path`` by this thread."""
    tag = f"{os.getpid()}-{threading.get_ident()}"
    return path.with_name(f"{path.name}.{tag}.tmp"), path.with_name(f"{path.name}.{tag}.stage")


def build_index_file(backend: GraphBackend, path: Path, *, log: Log = lambda m: None) -> dict[str, int]:
    """Write the search index of the backend's graph to ``path`` (atomically); the counts written."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial, stage = _scratch(path)
    started = time.monotonic()
    try:
        with _writer(partial, stage) as conn:
            counts = fill(conn, backend, log)
        os.replace(partial, path)
    finally:
        for leftover in (partial, stage):
            leftover.unlink(missing_ok=True)
    log(f"search index: {counts['entries']} labels of {counts['resources']} resources "
        f"in {time.monotonic() - started:.1f} s, {path.name}")
    return counts


def index_format(path: Path) -> str | None:
    """The format of an index file, or None when it is missing or unreadable."""
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    except sqlite3.Error:
        return None
    try:
        row = conn.execute("SELECT value FROM meta WHERE key = 'format'").fetchone()
        return str(row[0]) if row else None
    except sqlite3.Error:
        return None
    finally:
        conn.close()


def is_current(path: Path) -> bool:
    """Whether ``path`` is a complete index in this module's format."""
    return path.is_file() and index_format(path) == FORMAT


def ensure_store_index(store_dir: Path, *, log: Log = lambda m: None) -> Path:
    """The index beside a built store, written first (from the store, opened read-only) if missing."""
    path = index_path(store_dir)
    if not is_current(path):
        store = pyoxigraph.Store.read_only(str(store_dir))
        try:
            build_index_file(EmbeddedBackend(store), path, log=log)
        finally:
            del store
    return path


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def prune(parent: Path) -> list[Path]:
    """Remove the index files (and leftovers of builds) of stores no longer in ``parent``.

    Leftovers of a build of a store still there are removed only when the
    process that wrote them has ended.
    """
    removed = []
    for path in parent.glob(f"store-*{SUFFIX}*"):
        store_name, _, rest = path.name.partition(SUFFIX)
        store_gone = not (parent / store_name).is_dir()
        pid = rest.lstrip(".").split("-", 1)[0]
        dead_writer = bool(rest) and (not pid.isdigit() or not _alive(int(pid)))
        if store_gone or dead_writer:
            path.unlink(missing_ok=True)
            removed.append(path)
    return removed
