"""pyoxigraph's terms and query results with the types the package reads them by.

pyoxigraph's stubs answer a query with a union of three result classes, and
take and give file objects as ``typing.IO[bytes]``. The package always knows
which kind of result a query gives, and its file objects are small classes of
its own (a line-capped buffer, a chunk writer, a streamed response) of which
pyoxigraph only ever calls ``write``/``flush`` or ``read``/``readinto``. The
helpers here say so once: :func:`solutions`, :func:`triples` and
:func:`boolean` narrow a result (a wrong kind is a programming error, as an
assertion); :func:`output` and :func:`source` hand a file object over;
:func:`value_of` reads the text of a term that is not a quoted triple.

>>> store = pyoxigraph.Store()
>>> store.add(pyoxigraph.Quad(pyoxigraph.NamedNode("http://e/s"), pyoxigraph.NamedNode("http://e/p"),
...                           pyoxigraph.Literal("o")))
>>> [value_of(row["o"]) for row in solutions(store.query("SELECT ?o { ?s ?p ?o }"))]
['o']
>>> len(list(triples(store.query("CONSTRUCT WHERE { ?s ?p ?o }")))), boolean(store.query("ASK {}"))
(1, True)
"""

from __future__ import annotations

import io
from typing import IO, Protocol, cast

import pyoxigraph

#: A term as pyoxigraph gives it (a quoted triple is a term in RDF 1.2).
Term = pyoxigraph.NamedNode | pyoxigraph.BlankNode | pyoxigraph.Literal | pyoxigraph.Triple
#: What can stand as a triple's subject.
Subject = pyoxigraph.NamedNode | pyoxigraph.BlankNode | pyoxigraph.Triple
#: What ``Store.query`` answers.
Result = pyoxigraph.QuerySolutions | pyoxigraph.QueryTriples | pyoxigraph.QueryBoolean


class BinarySink(Protocol):
    """What pyoxigraph's serializers use of their ``output``."""

    def write(self, data: bytes, /) -> int: ...

    def flush(self) -> None: ...


def output(sink: BinarySink) -> IO[bytes]:
    """``sink`` as the ``output`` of pyoxigraph's serializers.

    Their stubs ask for ``typing.IO[bytes]``, which neither the package's own
    writers nor ``gzip.GzipFile`` are; the engine only writes and flushes.
    """
    return cast("IO[bytes]", sink)


def source(reader: io.RawIOBase) -> IO[bytes]:
    """A raw binary reader as the ``input`` of pyoxigraph's parsers (they only read from it)."""
    return cast("IO[bytes]", reader)


def solutions(result: object) -> pyoxigraph.QuerySolutions:
    """The result of a SELECT query."""
    assert isinstance(result, pyoxigraph.QuerySolutions), f"a SELECT query's solutions expected, not {result!r}"
    return result


def triples(result: object) -> pyoxigraph.QueryTriples:
    """The result of a CONSTRUCT or DESCRIBE query."""
    assert isinstance(result, pyoxigraph.QueryTriples), f"a CONSTRUCT query's triples expected, not {result!r}"
    return result


def boolean(result: object) -> bool:
    """The answer of an ASK query."""
    assert isinstance(result, pyoxigraph.QueryBoolean), f"an ASK query's answer expected, not {result!r}"
    return bool(result)


def value_of(term: Term) -> str:
    """The IRI, blank node label or lexical form of a term.

    A quoted triple has none: asking for it is the same error as reading
    ``.value`` off it.

    >>> value_of(pyoxigraph.NamedNode("http://e/s")), value_of(pyoxigraph.Literal("1"))
    ('http://e/s', '1')
    """
    if isinstance(term, pyoxigraph.Triple):
        raise AttributeError(f"a quoted triple has no value: {term}")
    return term.value
