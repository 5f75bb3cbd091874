"""Discovery: VoID, full dumps, a JSON-LD context, a sitemap and robots.txt.

=========================  ===================================================
``/.well-known/void``      VoID of the dataset, any RDF format by Accept or
                           suffix (``/.well-known/void.ttl``), or HTML
``/dumps/sahel-harm.nq.gz`` every named graph, gzipped N-Quads
``/dumps/sahel-harm.ttl.gz`` the union of the graphs, gzipped Turtle
``/context.jsonld``        JSON-LD context: our prefixes and properties
``/sitemap.xml``           every entity, term and concept page
``/robots.txt``            crawl rules and the sitemap
=========================  ===================================================

Everything here is computed once per app (statistics, dumps, context,
sitemap) and kept in :class:`Discovery` on ``app.state``.

>>> print(robots_txt("http://h/").splitlines()[-1])
Sitemap: http://h/sitemap.xml
"""

from __future__ import annotations

import json
import threading
import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import pyoxigraph
from fastapi import APIRouter, Depends, Request
from fastapi.responses import FileResponse, HTMLResponse, PlainTextResponse, Response

from sahel_kg.exports.registry import EXPORTS
from sahel_kg.linked_data.dumps import Dump, cache_folder, write_dumps
from sahel_kg.linked_data.jsonld import cached_context, jsonld_body
from sahel_kg.linked_data.releases import DATASET, edition_version
from sahel_kg.linked_data.void import (
    EXTRA_PREFIXES,
    Statistics,
    TableDump,
    dataset_dates,
    statistics,
    void_triples,
)
from sahel_kg.namespaces import BASE, ENTITY_BASE
from sahel_kg.pages import render as pages
from sahel_kg.pages.i18n import _
from sahel_kg.rdf.formats import HTML, choose, offered
from sahel_kg.rdf.oxigraph_types import value_of
from sahel_kg.rdf.serialize import serialize
from sahel_kg.settings import Settings
from sahel_kg.store.backend import GraphBackend
from sahel_kg.store.deadlines import no_deadline
from sahel_kg.web.deps import BackendDep, SettingsDep, current_edition, current_releases, get_links
from sahel_kg.web.errors import error_response
from sahel_kg.web.routes.entities import SUFFIXES, link_header, without_body

router = APIRouter()
_lock = threading.Lock()

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
#: Sitemaps hold at most this many URLs (the protocol's limit).
SITEMAP_LIMIT = 50_000
PAGES = f"""SELECT DISTINCT ?s WHERE {{ ?s ?p ?o FILTER(isIRI(?s) && (STRSTARTS(STR(?s), "{ENTITY_BASE}")
  || STRSTARTS(STR(?s), "{BASE}ontology") || STRSTARTS(STR(?s), "{BASE}vocab/"))) }} ORDER BY ?s"""
@dataclass
class Discovery:
    """What this module computes once per app."""

    stats: Statistics | None = None
    dumps: dict[str, Dump] = field(default_factory=dict)
    sitemap: bytes | None = None


def get_discovery(request: Request) -> Discovery:
    """The app's :class:`Discovery` cache (a FastAPI dependency; ``create_app`` made it)."""
    discovery: Discovery = request.app.state.discovery
    return discovery


DiscoveryDep = Annotated[Discovery, Depends(get_discovery)]


def ensure_dumps(cache: Discovery, backend: GraphBackend, settings: Settings) -> Discovery:
    """Fill in the statistics and the dumps, once (no page deadline: the work is kept)."""
    with _lock, no_deadline():
        if cache.stats is None:
            cache.stats = statistics(backend)
        if not cache.dumps:
            folder = cache_folder(settings.store_path, cache.stats.graphs, remote=settings.store_url)
            cache.dumps = write_dumps(backend, folder, quads=cache.stats.quads, triples=cache.stats.triples)
    return cache


def built_at(store_dir: Path | None) -> str:
    """When the served store was built (its folder's modification time), else now: ISO 8601, UTC."""
    try:
        stamp = store_dir.stat().st_mtime if store_dir is not None else time.time()
    except OSError:
        stamp = time.time()
    return datetime.fromtimestamp(stamp, UTC).isoformat(timespec="seconds")


def _void(request: Request, backend: GraphBackend, settings: Settings, cache: Discovery,
          ext: str | None) -> Response:
    url = settings.public_base_url + ".well-known/void"
    headers = {"Link": link_header(DATASET.split("#")[0], url)}
    offer = SUFFIXES.get(ext) if ext else choose("graph", request.headers.get("accept"))
    if ext is None:
        headers["Vary"] = "Accept"
    if offer is None:
        return PlainTextResponse("available formats:\n" + "\n".join(offered("graph")) + "\n", 406,
                                 headers=headers)
    ensure_dumps(cache, backend, settings)
    assert cache.stats is not None
    tables = [TableDump(f"exports/{e.filename}", e.media_type, e.title, e.description) for e in EXPORTS.values()]
    edition = current_edition(request)
    releases = current_releases(request)
    dates = dataset_dates(settings, releases, built_at(request.app.state.store_dir))
    triples = void_triples(cache.stats, list(cache.dumps.values()), settings, tables, releases=releases, dates=dates,
                           version=edition_version(edition))
    if offer is HTML:
        html = pages.triples_page(get_links(request), DATASET, triples, title=_("The dataset"), kind=_("Dataset description (VoID)"),
                                  intro=_("What the dataset holds, graph by graph, and where to get all of it."),
                                  url=url)
        return HTMLResponse(html, headers=headers)
    assert offer.rdf_format is not None
    if offer.rdf_format == pyoxigraph.RdfFormat.JSON_LD:
        body = jsonld_body(serialize(triples, pyoxigraph.RdfFormat.N_TRIPLES), request.app.state, backend)
    else:
        body = serialize(triples, offer.rdf_format, extra=EXTRA_PREFIXES)
    return Response(body, media_type=offer.media_type, headers=headers)


@router.api_route("/.well-known/void", methods=["GET", "HEAD"], name="void")
def void(request: Request, backend: BackendDep, settings: SettingsDep, cache: DiscoveryDep) -> Response:
    """The dataset's VoID description, by content negotiation."""
    return without_body(request, _void(request, backend, settings, cache, None))


@router.api_route("/.well-known/void.{ext}", methods=["GET", "HEAD"], name="void_file")
def void_file(ext: str, request: Request, backend: BackendDep, settings: SettingsDep,
              cache: DiscoveryDep) -> Response:
    """The VoID description in the format its suffix names."""
    if ext not in SUFFIXES:
        return without_body(request, error_response(request, 404, f"no such format: .{ext}"))
    return without_body(request, _void(request, backend, settings, cache, ext))


@router.api_route("/dumps", methods=["GET", "HEAD"], name="dumps", response_class=HTMLResponse)
def dumps_index(request: Request, backend: BackendDep, settings: SettingsDep, cache: DiscoveryDep) -> Response:
    """The list of full dumps, with what each holds and its size."""
    ensure_dumps(cache, backend, settings)
    return without_body(request, HTMLResponse(pages.dumps_page(get_links(request), list(cache.dumps.values()))))


@router.api_route("/dumps/{name}", methods=["GET", "HEAD"], name="dump")
def dump(name: str, request: Request, backend: BackendDep, settings: SettingsDep, cache: DiscoveryDep) -> Response:
    """A full dump, as a gzip file to save (not a compressed transfer of its content)."""
    ensure_dumps(cache, backend, settings)
    found = cache.dumps.get(name)
    if found is None:
        return without_body(request, error_response(request, 404, f"no such dump; there are: {', '.join(sorted(cache.dumps))}"))
    return FileResponse(found.path, media_type="application/gzip", filename=found.name,
                        headers={"Cache-Control": "public, max-age=3600"})


@router.api_route("/context.jsonld", methods=["GET", "HEAD"], name="jsonld_context")
def context(request: Request, backend: BackendDep) -> Response:
    """The JSON-LD context for documents about our data (:mod:`sahel_kg.linked_data.jsonld`)."""
    body = json.dumps(cached_context(request.app.state, backend), indent=1).encode()
    return without_body(request, Response(body, media_type="application/ld+json",
                                          headers={"Access-Control-Allow-Origin": "*"}))


def sitemap_xml(urls: list[str]) -> bytes:
    """A sitemap listing ``urls`` (at most :data:`SITEMAP_LIMIT`).

    >>> b"<loc>http://h/a?x=1&amp;y=2</loc>" in sitemap_xml(["http://h/a?x=1&y=2"])
    True
    """
    root = ET.Element("urlset", xmlns=SITEMAP_NS)
    for url in urls[:SITEMAP_LIMIT]:
        ET.SubElement(ET.SubElement(root, "url"), "loc").text = url
    body: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return body


@router.api_route("/sitemap.xml", methods=["GET", "HEAD"], name="sitemap")
def sitemap(request: Request, backend: BackendDep, settings: SettingsDep, cache: DiscoveryDep) -> Response:
    """Every entity, ontology term and concept page, at its local URL."""
    if cache.sitemap is None:
        iris = [value_of(row["s"]) for row in backend.select(PAGES)]
        cache.sitemap = sitemap_xml([settings.local_url(i) for i in iris])
    return without_body(request, Response(cache.sitemap, media_type="application/xml"))


def robots_txt(base: str) -> str:
    """Crawl everything but queries and dumps; find pages through the sitemap."""
    return ("User-agent: *\nAllow: /\nDisallow: /sparql\nDisallow: /query?\nDisallow: /dumps/\n"
            f"\nSitemap: {base}sitemap.xml\n")


@router.api_route("/robots.txt", methods=["GET", "HEAD"], name="robots")
def robots(request: Request, settings: SettingsDep) -> Response:
    """robots.txt."""
    return without_body(request, PlainTextResponse(robots_txt(settings.public_base_url)))
