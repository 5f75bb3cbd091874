"""Releases: the list, each release's changelog, and its files (see :mod:`sahel_kg.curation.release`).

==========================================  =========================================================
``/releases``                               the releases (a ``dcat:Catalog``): HTML, or any RDF
                                            format by Accept or suffix (``/releases.ttl``)
``/releases/VERSION``                       one release and its changelog: HTML or RDF, likewise
                                            (``/releases/0.2.0.ttl``)
``/releases/VERSION/FILE``                  one of its dumps, gzipped, to save
==========================================  =========================================================

The releases folder (the ``releases`` setting) is read again when it changes
(its modification time), so a release made while the server runs is listed.
The served data's release, for the "How to cite" of every page, is the
newest one made from a store with the same inputs hash
(:func:`sahel_kg.web.deps.current_edition`).

>>> split_version("0.2.0.ttl"), split_version("0.2.0"), split_version("1.0.0-rc.1.jsonld")
(('0.2.0', 'ttl'), ('0.2.0', None), ('1.0.0-rc.1', 'jsonld'))
"""

from __future__ import annotations

import pyoxigraph
from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, HTMLResponse, PlainTextResponse, Response

from sahel_kg.linked_data.jsonld import jsonld_body
from sahel_kg.linked_data.releases import (
    RELEASE_PREFIXES,
    RELEASES,
    catalog_triples,
    release_triples,
)
from sahel_kg.pages import releases as pages
from sahel_kg.pages.i18n import _
from sahel_kg.rdf.formats import HTML, choose, offered
from sahel_kg.rdf.serialize import serialize
from sahel_kg.settings import Settings
from sahel_kg.store.backend import GraphBackend
from sahel_kg.web.deps import BackendDep, SettingsDep, current_edition, current_releases, get_links
from sahel_kg.web.errors import error_response
from sahel_kg.web.routes.entities import SUFFIXES, link_header, without_body

router = APIRouter()


def split_version(text: str) -> tuple[str, str | None]:
    """``(version, suffix)``: a known format's suffix split off, else the whole text and None."""
    head, _, ext = text.rpartition(".")
    return (head, ext) if head and ext in SUFFIXES else (text, None)


def _rdf_or_html(request: Request, backend: GraphBackend, ext: str | None, iri: str, url: str,
                 triples: list[pyoxigraph.Triple], html: str) -> Response:
    headers = {"Link": link_header(iri, url)}
    offer = SUFFIXES.get(ext) if ext else choose("graph", request.headers.get("accept"))
    if ext is None:
        headers["Vary"] = "Accept"
    if offer is None:
        return PlainTextResponse("available formats:\n" + "\n".join(offered("graph")) + "\n", 406, headers=headers)
    if offer is HTML:
        return HTMLResponse(html, headers=headers)
    assert offer.rdf_format is not None
    if offer.rdf_format == pyoxigraph.RdfFormat.JSON_LD:
        body = jsonld_body(serialize(triples, pyoxigraph.RdfFormat.N_TRIPLES), request.app.state, backend)
    else:
        body = serialize(triples, offer.rdf_format, extra=RELEASE_PREFIXES)
    return Response(body, media_type=offer.media_type, headers=headers)


def _catalog(request: Request, backend: GraphBackend, settings: Settings, ext: str | None) -> Response:
    releases = current_releases(request)
    edition = current_edition(request)
    triples = catalog_triples(releases, license_iri=settings.license)
    html = pages.releases_page(get_links(request), RELEASES, releases, edition.release)
    return _rdf_or_html(request, backend, ext, RELEASES, settings.local_url(RELEASES), triples, html)


@router.api_route("/releases", methods=["GET", "HEAD"], name="releases")
def releases_index(request: Request, backend: BackendDep, settings: SettingsDep) -> Response:
    """The list of releases, by content negotiation."""
    return without_body(request, _catalog(request, backend, settings, None))


@router.api_route("/releases.{ext}", methods=["GET", "HEAD"], name="releases_file")
def releases_index_file(ext: str, request: Request, backend: BackendDep, settings: SettingsDep) -> Response:
    """The list of releases in the format its suffix names."""
    if ext not in SUFFIXES:
        return without_body(request, error_response(request, 404, _("No such format: .%(ext)s") % {"ext": ext}))
    return without_body(request, _catalog(request, backend, settings, ext))


def _unknown(request: Request, version: str) -> Response:
    known = ", ".join(r.version for r in current_releases(request)) or _("none yet")
    return error_response(request, 404, _("There is no release %(version)s; the releases are: %(known)s.")
                          % {"version": version, "known": known})


@router.api_route("/releases/{version}", methods=["GET", "HEAD"], name="release")
def release(version: str, request: Request, backend: BackendDep, settings: SettingsDep) -> Response:
    """One release and its changelog, by content negotiation or suffix."""
    name, ext = split_version(version)
    found = {r.version: r for r in current_releases(request)}.get(name)
    if found is None:
        return without_body(request, _unknown(request, name))
    triples = release_triples(found, license_iri=settings.license)
    html = pages.release_page(backend, get_links(request), found, current_edition(request).release)
    return without_body(request, _rdf_or_html(request, backend, ext, found.iri, settings.local_url(found.iri),
                                              triples, html))


@router.api_route("/releases/{version}/{name}", methods=["GET", "HEAD"], name="release_file")
def release_file(version: str, name: str, request: Request) -> Response:
    """One dump of a release, as a gzip file to save."""
    found = {r.version: r for r in current_releases(request)}.get(version)
    if found is None:
        return without_body(request, _unknown(request, version))
    dumps = {d.name: d for d in found.dumps}
    if name not in dumps or found.folder is None:
        listing = ", ".join(sorted(dumps))
        return without_body(request, error_response(request, 404, _("Release %(version)s has no file %(name)s; it has: %(listing)s.")
                                                  % {"version": version, "name": name, "listing": listing}))
    return FileResponse(found.folder / name, media_type="application/gzip", filename=name,
                        headers={"Cache-Control": "public, max-age=86400, immutable"})
