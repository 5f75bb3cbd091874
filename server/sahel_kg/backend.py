"""Read access to the graph for pages, dereferencing and discovery.

Pages ask a few whole queries and get plain Python lists back, so the same
page code can run over the embedded store or, later, a remote SPARQL store.
Every result is read to the end inside the call that ran the query: a
pyoxigraph result iterator must never cross threads.

>>> store = pyoxigraph.Store()
>>> store.add(pyoxigraph.Quad(pyoxigraph.NamedNode("http://e/s"), pyoxigraph.NamedNode("http://e/p"),
...                           pyoxigraph.Literal("o"), pyoxigraph.NamedNode("http://e/g")))
>>> backend = EmbeddedBackend(store)
>>> [row["o"].value for row in backend.select("SELECT ?o { ?s ?p ?o }")]
['o']
>>> backend.ask("ASK { <http://e/s> ?p ?o }")
True
>>> len(backend.construct("CONSTRUCT WHERE { ?s ?p ?o }"))
1
"""

from __future__ import annotations

from typing import Annotated, Protocol

import pyoxigraph
from fastapi import Depends, Request

#: A term as pyoxigraph gives it.
Term = pyoxigraph.NamedNode | pyoxigraph.BlankNode | pyoxigraph.Literal | pyoxigraph.Triple
#: One solution of a SELECT: variable name to bound term (unbound variables are absent).
Row = dict[str, Term]


class GraphBackend(Protocol):
    """Queries over the union of all graphs, results fully read."""

    def select(self, sparql: str) -> list[Row]:
        """The solutions of a SELECT query."""
        ...

    def construct(self, sparql: str) -> list[pyoxigraph.Triple]:
        """The triples of a CONSTRUCT or DESCRIBE query."""
        ...

    def ask(self, sparql: str) -> bool:
        """The answer to an ASK query."""
        ...


class EmbeddedBackend:
    """A :class:`GraphBackend` over a pyoxigraph store in this process."""

    def __init__(self, store: pyoxigraph.Store) -> None:
        self.store = store

    def _run(self, sparql: str) -> pyoxigraph.QuerySolutions | pyoxigraph.QueryTriples | pyoxigraph.QueryBoolean:
        return self.store.query(sparql, use_default_graph_as_union=True)

    def select(self, sparql: str) -> list[Row]:
        result = self._run(sparql)
        assert isinstance(result, pyoxigraph.QuerySolutions), "select() needs a SELECT query"
        names = [v.value for v in result.variables]
        return [{n: t for n in names if (t := solution[n]) is not None} for solution in result]

    def construct(self, sparql: str) -> list[pyoxigraph.Triple]:
        result = self._run(sparql)
        assert isinstance(result, pyoxigraph.QueryTriples), "construct() needs a CONSTRUCT or DESCRIBE query"
        return list(result)

    def ask(self, sparql: str) -> bool:
        result = self._run(sparql)
        assert isinstance(result, pyoxigraph.QueryBoolean), "ask() needs an ASK query"
        return bool(result)


async def get_backend(request: Request) -> GraphBackend:
    """The app's backend (a FastAPI dependency)."""
    return request.app.state.backend  # type: ignore[no-any-return]


BackendDep = Annotated[GraphBackend, Depends(get_backend)]
