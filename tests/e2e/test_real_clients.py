"""Real clients against the real server: SPARQLWrapper, rdflib's SPARQLStore, pandas.

Every return format SPARQLWrapper offers for each query form, by GET, POST
form and POST body, converted by the client as a researcher would, must give
the same values as the engine answers directly over the same store.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode

import pandas
import pyoxigraph
import pytest
import rdflib
from rdflib.compare import isomorphic
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import (
    ASK,
    CONSTRUCT,
    CSV,
    DESCRIBE,
    GET,
    JSON,
    JSONLD,
    N3,
    POST,
    POSTDIRECTLY,
    RDFXML,
    SELECT,
    TSV,
    TURTLE,
    URLENCODED,
    XML,
    SPARQLWrapper,
)

from support.servers import sahel_server

pytestmark = pytest.mark.real_server

PREFIX = "PREFIX shg: <https://w3id.org/sahel-harm/ontology/> PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "
QUERIES = {
    SELECT: PREFIX + "SELECT ?place ?label WHERE { ?place a shg:Place ; rdfs:label ?label } ORDER BY ?place ?label",
    ASK: PREFIX + "ASK { ?place a shg:Place }",
    CONSTRUCT: PREFIX + "CONSTRUCT { ?place rdfs:label ?label } WHERE { ?place a shg:Place ; rdfs:label ?label }",
    DESCRIBE: PREFIX + "DESCRIBE ?place WHERE { ?place a shg:Place } LIMIT 2",
}
#: What SPARQLWrapper offers for each form (its documentation's table), and the rdflib parser of each RDF format.
FORMATS = {SELECT: [JSON, XML, CSV, TSV], ASK: [JSON, XML, CSV, TSV],
           CONSTRUCT: [XML, RDFXML, TURTLE, N3, JSONLD], DESCRIBE: [XML, RDFXML, TURTLE, N3, JSONLD]}
METHODS = [(GET, URLENCODED), (POST, URLENCODED), (POST, POSTDIRECTLY)]


@pytest.fixture(scope="module")
def endpoint(store_pointer: Path) -> Iterator[str]:
    with sahel_server(store_pointer) as (base, _):
        yield base + "/sparql"


def engine_rows(store: pyoxigraph.Store) -> list[tuple[str, str]]:
    return [(row["place"].value, row["label"].value)
            for row in store.query(QUERIES[SELECT], use_default_graph_as_union=True)]  # type: ignore[union-attr]


def engine_graph(store: pyoxigraph.Store, form: str) -> rdflib.Graph:
    triples = store.query(QUERIES[form], use_default_graph_as_union=True)
    return rdflib.Graph().parse(data=pyoxigraph.serialize(triples, format=pyoxigraph.RdfFormat.N_TRIPLES),  # type: ignore[arg-type]
                                format="nt")


def selected_rows(result: object, fmt: str) -> list[tuple[str, str]]:
    """The (place, label) pairs of a SELECT result as SPARQLWrapper converts it."""
    if fmt == JSON:
        return [(b["place"]["value"], b["label"]["value"]) for b in result["results"]["bindings"]]  # type: ignore[index]
    if fmt == XML:
        rows = []
        for node in result.getElementsByTagName("result"):  # type: ignore[attr-defined]
            values = {b.getAttribute("name"): b.firstChild.firstChild.data for b in node.getElementsByTagName("binding")}
            rows.append((values["place"], values["label"]))
        return rows
    text = result.decode() if isinstance(result, bytes) else str(result)
    if fmt == CSV:
        return [(r["place"], r["label"]) for r in csv.DictReader(io.StringIO(text))]
    parsed = pyoxigraph.parse_query_results(text.encode(), pyoxigraph.QueryResultsFormat.TSV)
    return [(r["place"].value, r["label"].value) for r in parsed]  # type: ignore[union-attr]


def asked(result: object, fmt: str) -> bool:
    if fmt == JSON:
        return bool(result["boolean"])  # type: ignore[index]
    if fmt == XML:
        return result.getElementsByTagName("boolean")[0].firstChild.data == "true"  # type: ignore[attr-defined]
    text = (result.decode() if isinstance(result, bytes) else str(result)).strip().splitlines()
    return text[-1].strip().lower() == "true"


def client(endpoint: str, form: str, fmt: str, method: tuple[str, str]) -> SPARQLWrapper:
    sparql = SPARQLWrapper(endpoint)
    sparql.setQuery(QUERIES[form])
    sparql.setReturnFormat(fmt)
    sparql.setMethod(method[0])
    sparql.setRequestMethod(method[1])
    return sparql


@pytest.mark.parametrize("method", METHODS, ids=lambda m: "-".join(m))
@pytest.mark.parametrize("fmt", FORMATS[SELECT])
def test_sparqlwrapper_select(endpoint: str, store: pyoxigraph.Store, fmt: str, method: tuple[str, str]) -> None:
    result = client(endpoint, SELECT, fmt, method).query()
    assert result.response.status == 200
    assert selected_rows(result.convert(), fmt) == engine_rows(store)


@pytest.mark.parametrize("method", METHODS, ids=lambda m: "-".join(m))
@pytest.mark.parametrize("fmt", FORMATS[ASK])
def test_sparqlwrapper_ask(endpoint: str, fmt: str, method: tuple[str, str]) -> None:
    assert asked(client(endpoint, ASK, fmt, method).query().convert(), fmt) is True


@pytest.mark.parametrize("method", METHODS, ids=lambda m: "-".join(m))
@pytest.mark.parametrize("fmt", FORMATS[CONSTRUCT])
@pytest.mark.parametrize("form", [CONSTRUCT, DESCRIBE])
def test_sparqlwrapper_graphs(endpoint: str, store: pyoxigraph.Store, form: str, fmt: str,
                              method: tuple[str, str]) -> None:
    result = client(endpoint, form, fmt, method).query().convert()
    graph = result if isinstance(result, rdflib.Graph) else rdflib.Graph().parse(
        data=result, format={TURTLE: "turtle", N3: "n3", JSONLD: "json-ld"}.get(fmt, "xml"))
    expected = engine_graph(store, form)
    assert len(graph) == len(expected) > 0
    assert isomorphic(graph, expected)


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_rdflib_sparqlstore(endpoint: str, store: pyoxigraph.Store, method: str) -> None:
    graph = rdflib.Graph(SPARQLStore(endpoint, method=method, returnFormat="xml"))
    rows = [(str(r[0]), str(r[1])) for r in graph.query(QUERIES[SELECT])]  # type: ignore[index, misc]
    assert rows == engine_rows(store)
    assert graph.query(QUERIES[ASK]).askAnswer is True
    constructed = graph.query(QUERIES[CONSTRUCT]).graph
    assert constructed is not None and isomorphic(constructed, engine_graph(store, CONSTRUCT))


@pytest.mark.parametrize("fmt, sep", [("csv", ","), ("tsv", "\t")])
def test_pandas_reads_csv_and_tsv_from_a_url(endpoint: str, store: pyoxigraph.Store, fmt: str, sep: str) -> None:
    frame = pandas.read_csv(endpoint + "?" + urlencode({"query": QUERIES[SELECT], "format": fmt}), sep=sep,
                            keep_default_na=False, quoting=csv.QUOTE_MINIMAL if fmt == "csv" else csv.QUOTE_NONE)
    expected = engine_rows(store)
    assert len(frame) == len(expected)
    places = [str(v) for v in frame.iloc[:, 0]]
    if fmt == "tsv":  # TSV cells are RDF terms: <iri>
        places = [p.removeprefix("<").removesuffix(">") for p in places]
    assert places == [place for place, _ in expected]
