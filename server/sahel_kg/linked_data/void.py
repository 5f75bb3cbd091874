"""The dataset's statistics and its VoID description, as plain data then triples.

:func:`statistics` asks the backend three whole queries; :func:`void_triples`
turns the figures, the dumps, the releases and the settings into the VoID
and DCAT graph served at ``/.well-known/void``: title, description, licence,
``dcterms:issued``/``modified``, ``owl:versionInfo``/``dcat:version`` (the
release the served data is, else the checkout's version marked as a build), publisher,
contact point (a vCard), and each dump as a ``dcat:Distribution``.

>>> namespace_of("http://www.w3.org/ns/prov#wasDerivedFrom")
'http://www.w3.org/ns/prov#'
>>> namespace_of("https://w3id.org/sahel-harm/ontology/about")
'https://w3id.org/sahel-harm/ontology/'
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pyoxigraph

from sahel_kg.dataset import DATASET_DESCRIPTION, DATASET_TITLE, DATASET_VERSION
from sahel_kg.linked_data.dumps import Dump
from sahel_kg.linked_data.releases import DATASET, PUBLISHER, RELEASES, Release
from sahel_kg.namespaces import BASE, ENTITY_BASE, PREFIXES
from sahel_kg.rdf.oxigraph_types import value_of
from sahel_kg.settings import Settings
from sahel_kg.store.backend import GraphBackend

VOID = "http://rdfs.org/ns/void#"
DCAT = "http://www.w3.org/ns/dcat#"
FOAF = "http://xmlns.com/foaf/0.1/"
VCARD = "http://www.w3.org/2006/vcard/ns#"
EXTRA_PREFIXES = {"void": VOID, "dcat": DCAT, "foaf": FOAF, "vcard": VCARD}
#: The contact point (a vCard) of the dataset, described in VoID (so is its publisher, a foaf:Agent).
CONTACT = BASE + ".well-known/void#contact"
IANA = "https://www.iana.org/assignments/media-types/"

GRAPH_COUNTS = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
TOTALS = f"""SELECT ?triples ?entities ?classes ?properties ?subjects ?objects WHERE {{
  {{ SELECT (COUNT(*) AS ?triples) WHERE {{ SELECT DISTINCT ?s ?p ?o WHERE {{ ?s ?p ?o }} }} }}
  {{ SELECT (COUNT(DISTINCT ?e) AS ?entities) WHERE {{ ?e ?ep ?eo FILTER(STRSTARTS(STR(?e), "{ENTITY_BASE}")) }} }}
  {{ SELECT (COUNT(DISTINCT ?c) AS ?classes) WHERE {{ ?x a ?c }} }}
  {{ SELECT (COUNT(DISTINCT ?p) AS ?properties) WHERE {{ ?s ?p ?o }} }}
  {{ SELECT (COUNT(DISTINCT ?s) AS ?subjects) WHERE {{ ?s ?p ?o }} }}
  {{ SELECT (COUNT(DISTINCT ?o) AS ?objects) WHERE {{ ?s ?p ?o }} }}
}}"""
TERMS = "SELECT DISTINCT ?t WHERE { { ?s ?t ?o } UNION { ?s a ?t } }"


@dataclass(frozen=True)
class Statistics:
    """The figures VoID reports."""

    triples: int
    entities: int
    classes: int
    properties: int
    subjects: int
    objects: int
    graphs: dict[str, int]
    vocabularies: list[str]

    @property
    def quads(self) -> int:
        """Triples summed over the named graphs (the N-Quads dump's lines)."""
        return sum(self.graphs.values())


def namespace_of(iri: str) -> str:
    """The namespace of a term: a known prefix's, else up to its last ``#`` or ``/``."""
    known = [ns for ns in PREFIXES.values() if iri.startswith(ns)]
    if known:
        return max(known, key=len)
    cut = max(iri.rfind("#"), iri.rfind("/"))
    return iri[:cut + 1]


def _int(term: object) -> int:
    return int(term.value) if isinstance(term, pyoxigraph.Literal) else 0


def statistics(backend: GraphBackend) -> Statistics:
    """Counts over the union and per named graph, and the vocabularies in use."""
    graphs = {value_of(row["g"]): _int(row["n"]) for row in backend.select(GRAPH_COUNTS)}
    (totals,) = backend.select(TOTALS)
    vocabularies = sorted({namespace_of(row["t"].value) for row in backend.select(TERMS)
                           if isinstance(row["t"], pyoxigraph.NamedNode)})
    return Statistics(
        _int(totals["triples"]), _int(totals["entities"]), _int(totals["classes"]),
        _int(totals["properties"]), _int(totals["subjects"]), _int(totals["objects"]),
        graphs, vocabularies,
    )


def _t(s: str, p: str, o: pyoxigraph.NamedNode | pyoxigraph.Literal) -> pyoxigraph.Triple:
    return pyoxigraph.Triple(pyoxigraph.NamedNode(s), pyoxigraph.NamedNode(p), o)


def _n(value: int) -> pyoxigraph.Literal:
    return pyoxigraph.Literal(str(value), datatype=pyoxigraph.NamedNode(PREFIXES["xsd"] + "integer"))


def _iri(value: str) -> pyoxigraph.NamedNode:
    return pyoxigraph.NamedNode(value)


def _dump_triples(dump: Dump, url: str) -> list[pyoxigraph.Triple]:
    return [
        _t(DATASET, VOID + "dataDump", _iri(url)),
        _t(url, PREFIXES["rdf"] + "type", _iri(DCAT + "Distribution")),
        _t(DATASET, DCAT + "distribution", _iri(url)),
        _t(url, DCAT + "downloadURL", _iri(url)),
        _t(url, DCAT + "mediaType", _iri(IANA + dump.media_type)),
        _t(url, DCAT + "compressFormat", _iri(IANA + "application/gzip")),
        _t(url, DCAT + "byteSize", _n(dump.size)),
        _t(url, VOID + "triples", _n(dump.triples)),
    ]


@dataclass(frozen=True)
class TableDump:
    """An export of the dataset as a table (``/exports/…``): where it is, its media type, what it holds."""

    path: str  # below the public base URL, e.g. "exports/acled.csv"
    media_type: str
    title: str
    description: str


def _table_triples(table: TableDump, url: str) -> list[pyoxigraph.Triple]:
    dct, en = PREFIXES["dcterms"], "en"
    return [
        _t(DATASET, VOID + "dataDump", _iri(url)),
        _t(DATASET, DCAT + "distribution", _iri(url)),
        _t(url, PREFIXES["rdf"] + "type", _iri(DCAT + "Distribution")),
        _t(url, DCAT + "downloadURL", _iri(url)),
        _t(url, DCAT + "mediaType", _iri(IANA + table.media_type)),
        _t(url, dct + "title", pyoxigraph.Literal(table.title, language=en)),
        _t(url, dct + "description", pyoxigraph.Literal(table.description, language=en)),
    ]


@dataclass(frozen=True)
class Dates:
    """When the dataset was first published (``issued``, an ISO date) and last changed (``modified``,
    an ISO date-time: when the served store was built), for dcterms:issued and dcterms:modified."""

    issued: str
    modified: str


def dataset_dates(settings: Settings, releases: list[Release], built: str) -> Dates:
    """``issued``: the ``issued`` setting, else the first release's date, else the build's; ``modified``: ``built``.

    >>> from pathlib import Path
    >>> dataset_dates(Settings(root=Path("/p")), [], "2026-11-29T10:00:00+00:00")
    Dates(issued='2026-11-29', modified='2026-11-29T10:00:00+00:00')
    """
    first = min((r.issued for r in releases), default=built)
    return Dates(settings.issued or first[:10], built)


def _catalogue_triples(settings: Settings, releases: list[Release], dates: Dates,
                       version: str) -> list[pyoxigraph.Triple]:
    """DCAT: version, dates, publisher, contact point (a vCard), licence, and the releases."""
    xsd, dct, rdf_type = PREFIXES["xsd"], PREFIXES["dcterms"], PREFIXES["rdf"] + "type"
    out = [
        _t(DATASET, rdf_type, _iri(DCAT + "Dataset")),
        _t(DATASET, dct + "license", _iri(settings.license)),
        _t(DATASET, dct + "issued", pyoxigraph.Literal(dates.issued, datatype=_iri(xsd + "date"))),
        _t(DATASET, dct + "modified", pyoxigraph.Literal(dates.modified, datatype=_iri(xsd + "dateTime"))),
        _t(DATASET, PREFIXES["owl"] + "versionInfo", pyoxigraph.Literal(version)),
        _t(DATASET, DCAT + "version", pyoxigraph.Literal(version)),
        _t(DATASET, dct + "publisher", _iri(PUBLISHER)),
        _t(PUBLISHER, rdf_type, _iri(FOAF + "Agent")),
        _t(PUBLISHER, FOAF + "name", pyoxigraph.Literal(settings.publisher_name)),
        _t(PUBLISHER, FOAF + "homepage", _iri(settings.publisher_url)),
        _t(DATASET, DCAT + "contactPoint", _iri(CONTACT)),
        _t(CONTACT, rdf_type, _iri(VCARD + "Kind")),
        _t(CONTACT, VCARD + "fn", pyoxigraph.Literal(settings.contact_name)),
        _t(CONTACT, VCARD + "hasURL", _iri(settings.contact_url or settings.public_base_url)),
        _t(DATASET, DCAT + "landingPage", _iri(settings.public_base_url)),
    ]
    if settings.contact_email:
        out.append(_t(CONTACT, VCARD + "hasEmail", _iri("mailto:" + settings.contact_email.removeprefix("mailto:"))))
    if releases:
        out += [_t(DATASET, DCAT + "hasVersion", _iri(r.iri)) for r in releases]
        out.append(_t(DATASET, PREFIXES["rdfs"] + "seeAlso", _iri(RELEASES)))
    return out


def void_triples(stats: Statistics, dumps: list[Dump], settings: Settings,
                 tables: Sequence[TableDump] = (), *,
                 releases: list[Release] | None = None, dates: Dates | None = None,
                 version: str = DATASET_VERSION) -> list[pyoxigraph.Triple]:
    """The VoID and DCAT description of the dataset, its full dumps and its table exports
    (``tables``; ``releases``: those made, oldest first;
    ``dates``: by default issued and modified today; ``version``: of the data served, see
    :func:`sahel_kg.linked_data.releases.edition_version`)."""
    base, dct, en = settings.public_base_url, PREFIXES["dcterms"], "en"
    found = releases or []
    if dates is None:
        from datetime import UTC, datetime

        dates = dataset_dates(settings, found, datetime.now(UTC).isoformat(timespec="seconds"))
    out = [
        _t(DATASET, PREFIXES["rdf"] + "type", _iri(VOID + "Dataset")),
        _t(DATASET, dct + "title", pyoxigraph.Literal(DATASET_TITLE, language=en)),
        _t(DATASET, dct + "description", pyoxigraph.Literal(DATASET_DESCRIPTION, language=en)),
        _t(DATASET, FOAF + "homepage", _iri(base)),
        _t(DATASET, VOID + "sparqlEndpoint", _iri(base + "sparql")),
        _t(DATASET, VOID + "uriSpace", pyoxigraph.Literal(BASE)),
        _t(DATASET, VOID + "rootResource", _iri(BASE + "ontology")),
        _t(DATASET, VOID + "triples", _n(stats.triples)),
        _t(DATASET, VOID + "entities", _n(stats.entities)),
        _t(DATASET, VOID + "classes", _n(stats.classes)),
        _t(DATASET, VOID + "properties", _n(stats.properties)),
        _t(DATASET, VOID + "distinctSubjects", _n(stats.subjects)),
        _t(DATASET, VOID + "distinctObjects", _n(stats.objects)),
        *_catalogue_triples(settings, found, dates, version),
    ]
    out += [_t(DATASET, VOID + "vocabulary", _iri(v)) for v in stats.vocabularies]
    for graph, count in sorted(stats.graphs.items()):
        out += [_t(DATASET, VOID + "subset", _iri(graph)),
                _t(graph, PREFIXES["rdf"] + "type", _iri(VOID + "Dataset")),
                _t(graph, VOID + "triples", _n(count)),
                _t(graph, VOID + "dataDump", _iri(settings.local_url(graph) + ".nq"))]
    for dump in dumps:
        out += _dump_triples(dump, f"{base}dumps/{dump.name}")
    for table in tables:
        out += _table_triples(table, base + table.path)
    return out
