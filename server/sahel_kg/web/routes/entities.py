"""Dereferencing: every IRI of the namespace answers at the same path under the public base.

``/id/…``, ``/ontology``, ``/ontology/…``, ``/shapes``, ``/shapes/…``,
``/vocab/…`` and ``/graph/…`` (see ``docs/uris.md``). One URL per thing, its
format chosen by ``Accept`` (with q-values; a browser gets HTML, ``*/*``
Turtle) or fixed by a suffix (``.ttl``, ``.jsonld``, ``.nt``, ``.nq``,
``.trig``, ``.rdf``, ``.n3``, ``.html``) that overrides ``Accept``. An incident
is also served as the table of the claims about it (``text/csv``, or ``.csv``);
asking any other IRI for CSV is a 406.

>>> split_suffix("id/place/kidal.ttl")
('id/place/kidal', 'ttl')
>>> split_suffix("ontology/0.1.0")
('ontology/0.1.0', None)
>>> split_suffix("id/incident/amassine-killings.csv")
('id/incident/amassine-killings', 'csv')
>>> print(link_header("https://w3id.org/sahel-harm/id/place/kidal", "http://h/id/place/kidal").split(", ")[0])
<http://h/id/place/kidal.ttl>; rel="alternate"; type="text/turtle"
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import unquote_to_bytes

import pyoxigraph
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response

from sahel_kg.exports import claims as claims_table
from sahel_kg.exports.records import records_for
from sahel_kg.exports.table import csv_chunks
from sahel_kg.linked_data.describe import AREAS, MAX_PATH, Description, describe, iri_for_path, with_labels
from sahel_kg.linked_data.jsonld import jsonld_body
from sahel_kg.namespaces import BASE, ENTITY_BASE, GRAPH_BASE
from sahel_kg.pages import render as pages
from sahel_kg.pages.i18n import _
from sahel_kg.rdf.formats import CLAIMS_CSV, GRAPH_OFFERS, HTML, INCIDENT_OFFERS, Offer, choose_among, offered_among
from sahel_kg.rdf.serialize import serialize
from sahel_kg.rdf.xml_chars import forbidden_in_xml, is_xml_media_type, not_representable
from sahel_kg.settings import Settings
from sahel_kg.store.backend import GraphBackend
from sahel_kg.web.deps import BackendDep, SettingsDep, current_edition, get_backend, get_links
from sahel_kg.web.errors import error_response

router = APIRouter()

#: Suffix to offer: each format's file extension.
SUFFIXES: dict[str, Offer] = {o.extension: o for o in GRAPH_OFFERS}
#: Suffixes of an incident: the RDF formats and HTML, and its claims as CSV.
INCIDENT_SUFFIXES: dict[str, Offer] = {**SUFFIXES, CLAIMS_CSV.extension: CLAIMS_CSV}
INCIDENT_BASE = ENTITY_BASE + "incident/"
_BAD_ESCAPE = re.compile(rb"%(?![0-9A-Fa-f]{2})")


class BadPath(Exception):
    """A path that cannot name one of our IRIs: an HTTP status and why."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status, self.message = status, message


@dataclass(frozen=True)
class Target:
    """What a request dereferences: the IRI, its local URL, and the format a suffix fixed."""

    iri: str
    url: str
    suffix: Offer | None


def split_suffix(path: str) -> tuple[str, str | None]:
    """The path without a known format suffix, and that suffix."""
    stem, dot, ext = path.rpartition(".")
    if dot and "/" not in ext and ext in INCIDENT_SUFFIXES:
        return stem, ext
    return path, None


def route_path(request: Request) -> str:
    """The request's path below the app's root, without the leading ``/``."""
    path: str = request.scope["path"]
    root: str = request.scope.get("root_path", "")
    if root and path.startswith(root):
        path = path[len(root):]
    return path.lstrip("/")


def target_of(request: Request, settings: Settings) -> Target:
    """The IRI and suffix a request names; :class:`BadPath` when it names none."""
    raw: bytes = request.scope.get("raw_path") or request.url.path.encode()
    if len(raw) > 3 * MAX_PATH:
        raise BadPath(400, _("The path is too long."))
    try:
        if _BAD_ESCAPE.search(raw):
            raise ValueError
        unquote_to_bytes(raw.split(b"?", 1)[0]).decode("utf-8")
    except ValueError:
        raise BadPath(400, _("The path has a malformed percent-encoding.")) from None
    stem, ext = split_suffix(route_path(request))
    if any(seg in (".", "..") for seg in stem.split("/")):
        raise BadPath(400, _("“.” and “..” segments are not allowed in paths."))
    iri = iri_for_path(stem)
    if iri is None:
        raise BadPath(404, _("No IRI of this dataset has this path."))
    return Target(iri, settings.local_url(iri), INCIDENT_SUFFIXES[ext] if ext else None)


def offers_for(iri: str) -> tuple[Offer, ...]:
    """What an IRI is served as: an incident also as the CSV of its claims."""
    return INCIDENT_OFFERS if iri.startswith(INCIDENT_BASE) else GRAPH_OFFERS


def link_header(iri: str, url: str) -> str:
    """``Link``: every format's URL as ``alternate`` (with its type), and the IRI as ``canonical``."""
    links = [f'<{url}.{o.extension}>; rel="alternate"; type="{o.media_type.split(";")[0]}"'
             for o in offers_for(iri)]
    return ", ".join([*links, f'<{iri}>; rel="canonical"'])


def claims_csv(backend: GraphBackend, iri: str) -> Response:
    """The claims about one incident, one row per claim (:mod:`sahel_kg.exports.claims`)."""
    (record,) = records_for(backend, [iri])
    body = "".join(csv_chunks(claims_table.COLUMNS, claims_table.rows(record)))
    return Response(body, media_type=CLAIMS_CSV.media_type)


def _text_or_html(offer: Offer | None, status: int, text: str, html: str,
                  headers: dict[str, str]) -> Response:
    if offer is HTML:
        return HTMLResponse(html, status, headers=headers)
    return PlainTextResponse(text + "\n", status, headers=headers)


def _found(request: Request, backend: GraphBackend, desc: Description, offer: Offer,
           settings: Settings, headers: dict[str, str]) -> Response:
    """The description in the format chosen; an entity's HTML page is built from the triples already read
    (a named graph's content is not its description: its page reads its own)."""
    triples = desc.triples
    if offer is CLAIMS_CSV:
        response = claims_csv(backend, desc.iri)
        response.headers.update(headers)
        return response
    if offer is HTML:
        page = None if desc.graph else pages.entity_page(get_backend(request), get_links(request), desc.iri,
                                                         triples=triples, edition=current_edition(request))
        return HTMLResponse(page or _statements_page(request, backend, desc), headers=headers)
    assert offer.rdf_format is not None
    if desc.graph is None:
        triples = with_labels(backend, desc.iri, triples)
    if offer.rdf_format == pyoxigraph.RdfFormat.JSON_LD:
        quads = serialize(triples, pyoxigraph.RdfFormat.N_QUADS, graph=desc.graph)
        body = jsonld_body(quads, request.app.state, backend)
    else:
        body = serialize(triples, offer.rdf_format, graph=desc.graph)
    unfit = forbidden_in_xml(body) if is_xml_media_type(offer.media_type) else None
    if unfit:
        return PlainTextResponse(str(not_representable(unfit)) + "\n", 406, headers=headers)
    return Response(body, media_type=offer.media_type, headers=headers)


def _statements_page(request: Request, backend: GraphBackend, desc: Description) -> str:
    """The page of what has no entity page: a named graph's content, an IRI only pointed at (a version IRI)."""
    if desc.graph:
        title = _("Named graph %(name)s") % {"name": desc.iri.removeprefix(GRAPH_BASE)}
        intro = _("The statements of one Turtle file of the dataset, as loaded into the store.")
        return pages.triples_page(get_links(request), desc.iri, desc.triples, title=title, kind=_("Named graph"),
                                  intro=intro, backend=backend)
    triples = with_labels(backend, desc.iri, desc.triples)
    return pages.triples_page(get_links(request), desc.iri, triples, title=desc.iri.removeprefix(BASE), kind=_("Resource"),
                              intro=_("What the graph says about this IRI."))


def _answer(request: Request, backend: GraphBackend, desc: Description, target: Target, offer: Offer,
            settings: Settings, headers: dict[str, str]) -> Response:
    status = desc.status
    if status == "moved":
        assert desc.replaced_by is not None
        ext = f".{target.suffix.extension}" if target.suffix else ""
        return RedirectResponse(settings.local_url(desc.replaced_by) + ext, 301, headers=headers)
    if status == "gone":
        html = pages.gone_page(get_links(request), desc.iri, None)
        return _text_or_html(offer, 410, f"{desc.iri} was retired and is no longer described", html, headers)
    if status == "unknown":
        html = pages.not_found_page(get_links(request), desc.iri)
        return _text_or_html(offer, 404, f"nothing is known about {desc.iri}", html, headers)
    return _found(request, backend, desc, offer, settings, headers)


def without_body(request: Request, response: Response) -> Response:
    """For HEAD, the same status and headers (Content-Length included) with no body."""
    if request.method == "HEAD":
        length = response.headers.get("content-length", "0")
        response.body = b""
        response.headers["content-length"] = length
    return response


def dereference(request: Request, backend: BackendDep, settings: SettingsDep) -> Response:
    """Answer for one IRI of the namespace, in the format asked for.

    A namespace IRI (``…/ontology/``, ``…/vocab/stance/``) is redirected to the
    resource without its final slash: the ontology, the concept scheme.
    """
    path = route_path(request)
    if path.endswith("/") and path.strip("/"):
        return without_body(request, RedirectResponse("/" + path.rstrip("/"), 301))
    try:
        target = target_of(request, settings)
    except BadPath as bad:
        return without_body(request, error_response(request, bad.status, bad.message))
    headers = {"Link": link_header(target.iri, target.url)}
    offers = offers_for(target.iri)
    offer = target.suffix or choose_among(offers, request.headers.get("accept"))
    if target.suffix is None:
        headers["Vary"] = "Accept"
    if offer is None or offer not in offers:
        listing = "\n".join(offered_among(offers))
        what = "CSV is served for incidents only. " if offer is CLAIMS_CSV else ""
        return without_body(request, PlainTextResponse(
            f"{what}none of the formats asked for is available; this resource is served as:\n{listing}\n",
            406, headers=headers))
    if target.suffix is None and offer is not HTML:
        headers["Content-Location"] = f"{target.url}.{offer.extension}"
    desc = describe(backend, target.iri, labels=False)  # the labels only where they are served
    return without_body(request, _answer(request, backend, desc, target, offer, settings, headers))


def _register() -> None:
    for area in AREAS:
        paths = {"rest": f"/{area}/{{rest:path}}"}
        if area in ("ontology", "shapes"):  # IRIs that are just the area's name
            paths |= {"": f"/{area}", "ext": f"/{area}.{{ext}}"}
        for suffix, path in paths.items():
            router.add_api_route(path, dereference, methods=["GET", "HEAD"], include_in_schema=False,
                                 name=f"deref_{area}_{suffix}".rstrip("_"))


_register()
