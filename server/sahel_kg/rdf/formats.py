"""Choosing a result format from ``Accept`` (q-values, wildcards) or ``format=``.

A query's result is one of three kinds — ``solutions`` (SELECT), ``boolean``
(ASK) or ``graph`` (CONSTRUCT/DESCRIBE) — and each kind has its offers, in
the server's order of preference (the first wins ties and ``*/*``):

>>> choose("solutions", "text/csv;q=0.5, application/sparql-results+xml").name
'xml'
>>> choose("graph", "*/*").media_type
'text/turtle'
>>> choose("graph", "application/rdf+xml;q=0.1, text/*").name
'ttl'
>>> choose("solutions", None, "tsv").media_type
'text/tab-separated-values; charset=utf-8'
>>> choose("boolean", "image/png") is None
True
>>> choose("solutions", "text/html,application/xml;q=0.9,*/*;q=0.8").name
'html'
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from pyoxigraph import QueryResultsFormat, RdfFormat

Kind = Literal["solutions", "boolean", "graph"]


@dataclass(frozen=True)
class Offer:
    """One format the endpoint can answer in."""

    name: str  # short name, as in ``format=``
    media_type: str  # Content-Type sent
    label: str  # shown to people
    results_format: QueryResultsFormat | None = None
    rdf_format: RdfFormat | None = None
    aliases: tuple[str, ...] = ()  # other media types and names that select it
    suffix: str | None = None  # file extension of a format that is neither RDF nor SPARQL results

    @property
    def extension(self) -> str:
        """File extension for downloads."""
        if self.suffix:
            return self.suffix
        fmt = self.results_format or self.rdf_format
        return fmt.file_extension if fmt is not None else "html"


def _r(name: str, fmt: QueryResultsFormat, label: str, *aliases: str) -> Offer:
    return Offer(name, fmt.media_type, label, results_format=fmt, aliases=aliases)


def _g(name: str, fmt: RdfFormat, label: str, *aliases: str) -> Offer:
    return Offer(name, fmt.media_type, label, rdf_format=fmt, aliases=aliases)


HTML = Offer("html", "text/html; charset=utf-8", "HTML table", aliases=("application/xhtml+xml",))

RESULTS_OFFERS: tuple[Offer, ...] = (
    _r("json", QueryResultsFormat.JSON, "SPARQL JSON", "application/json", "srj"),
    _r("xml", QueryResultsFormat.XML, "SPARQL XML", "application/xml", "text/xml", "srx"),
    _r("csv", QueryResultsFormat.CSV, "CSV"),
    _r("tsv", QueryResultsFormat.TSV, "TSV"),
    HTML,
)
#: ASK in CSV/TSV is not in the standard; pyoxigraph writes a bare ``true``/``false``, which clients read.
BOOLEAN_OFFERS: tuple[Offer, ...] = RESULTS_OFFERS
GRAPH_OFFERS: tuple[Offer, ...] = (
    _g("ttl", RdfFormat.TURTLE, "Turtle", "turtle", "application/x-turtle"),
    _g("nt", RdfFormat.N_TRIPLES, "N-Triples", "ntriples", "n-triples", "text/plain"),
    _g("nq", RdfFormat.N_QUADS, "N-Quads", "nquads", "n-quads"),
    _g("trig", RdfFormat.TRIG, "TriG"),
    _g("jsonld", RdfFormat.JSON_LD, "JSON-LD", "json-ld", "json", "application/json"),
    _g("rdf", RdfFormat.RDF_XML, "RDF/XML", "rdfxml", "rdf+xml", "xml", "owl", "application/xml", "text/xml"),
    _g("n3", RdfFormat.N3, "N3"),
    HTML,
)
#: An incident's claims as a table (one row per claim), offered on incident IRIs only.
CLAIMS_CSV = Offer("csv", "text/csv; charset=utf-8", "CSV (the claims, one per row)", suffix="csv")
#: What an incident IRI is served as: its description in every RDF format, its claims as CSV, its page.
INCIDENT_OFFERS: tuple[Offer, ...] = (*GRAPH_OFFERS[:-1], CLAIMS_CSV, HTML)
OFFERS: dict[Kind, tuple[Offer, ...]] = {
    "solutions": RESULTS_OFFERS, "boolean": BOOLEAN_OFFERS, "graph": GRAPH_OFFERS,
}


@dataclass(frozen=True)
class Range:
    """One media range of an Accept header."""

    type: str
    subtype: str
    q: float

    def specificity(self, media_type: str) -> int:
        """-1 when the range does not match; else 0 (``*/*``), 1 (``t/*``) or 2 (exact)."""
        mtype, _, msub = _bare(media_type).partition("/")
        if self.type == "*":
            return 0
        if self.type != mtype:
            return -1
        if self.subtype == "*":
            return 1
        return 2 if self.subtype == msub else -1


def _bare(media_type: str) -> str:
    return media_type.split(";", 1)[0].strip().lower()


def parse_accept(header: str | None) -> list[Range]:
    """The media ranges of an Accept header; ``*/*`` when absent or empty.

    >>> parse_accept("text/turtle;q=0.5, */*;q=0.1")[0]
    Range(type='text', subtype='turtle', q=0.5)
    """
    ranges: list[Range] = []
    for part in (header or "").split(","):
        media, *params = part.split(";")
        mtype, _, subtype = media.strip().lower().partition("/")
        if not mtype:
            continue
        q = 1.0
        for param in params:
            key, _, value = param.strip().partition("=")
            if key.strip().lower() == "q":
                try:
                    q = max(0.0, min(1.0, float(value)))
                except ValueError:
                    q = 0.0
        ranges.append(Range(mtype, subtype or "*", q))
    return ranges or [Range("*", "*", 1.0)]


def _quality(offer: Offer, ranges: list[Range]) -> float:
    """The q the client gives an offer (its most specific matching range decides)."""
    best_spec, best_q = -1, 0.0
    for media_type in (offer.media_type, *(a for a in offer.aliases if "/" in a)):
        for r in ranges:
            spec = r.specificity(media_type)
            if media_type != offer.media_type and spec < 2:
                continue  # aliases answer explicit requests only, never wildcards
            if spec > best_spec or (spec == best_spec and spec >= 0 and r.q > best_q):
                best_spec, best_q = spec, r.q
    # People's browsers send */* too; never answer HTML to a bare wildcard.
    if offer is HTML and best_spec < 1:
        return 0.0
    return best_q if best_spec >= 0 else 0.0


def by_name(kind: Kind, name: str) -> Offer | None:
    """The offer for a ``format=`` value: a short name, an alias, or media types read as an Accept header.

    >>> by_name("graph", "application/ld+json,application/x-json+ld").name
    'jsonld'
    """
    wanted = name.strip().lower()
    if "," in wanted or ";" in wanted or "*" in wanted:  # SPARQLWrapper sends its Accept list here
        return choose(kind, wanted)
    for offer in OFFERS[kind]:
        if wanted in (offer.name, _bare(offer.media_type), *offer.aliases):
            return offer
    return None


def same_format(a: str, b: str) -> bool:
    """Whether two ``format=`` values choose the same offer for every kind of result.

    >>> same_format("tsv", "text/tab-separated-values"), same_format("xml", "application/rdf+xml")
    (True, False)
    """
    return all(by_name(kind, a) is by_name(kind, b) for kind in OFFERS)


def choose(kind: Kind, accept: str | None, format_name: str | None = None) -> Offer | None:
    """The best offer for this kind of result, or None when nothing is acceptable."""
    if format_name:
        return by_name(kind, format_name)
    return choose_among(OFFERS[kind], accept)


def choose_among(offers: tuple[Offer, ...], accept: str | None) -> Offer | None:
    """The best of ``offers`` for an Accept header (the first wins ties), or None when none is acceptable.

    >>> choose_among(INCIDENT_OFFERS, "text/csv").name, choose_among(INCIDENT_OFFERS, "*/*").name
    ('csv', 'ttl')
    >>> choose_among(GRAPH_OFFERS, "text/csv") is None
    True
    """
    ranges = parse_accept(accept)
    best, best_q = None, 0.0
    for offer in offers:
        q = _quality(offer, ranges)
        if q > best_q:
            best, best_q = offer, q
    return best


def wants_html(accept: str | None, format_name: str | None = None) -> bool:
    """True when a client would take HTML over every data format, whatever the query.

    >>> wants_html("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8")
    True
    >>> wants_html("application/sparql-results+json,*/*;q=0.9")
    False
    """
    if format_name:
        return format_name.strip().lower() in ("html", "text/html")
    return all(choose(kind, accept) is HTML for kind in ("solutions", "graph"))


def offered(kind: Kind) -> list[str]:
    """Media types offered for a kind of result, for 406 answers."""
    return offered_among(OFFERS[kind])


def offered_among(offers: tuple[Offer, ...]) -> list[str]:
    """The media types of ``offers``, for 406 answers."""
    return [_bare(o.media_type) for o in offers]
