"""The web application: :func:`create_app` wires settings, store and routes.

No I/O happens at import or in the factory; the caller opens the store (or,
for an external SPARQL store, nothing connects before the first request).

>>> import pyoxigraph
>>> app = create_app(Settings(root=Path("/nowhere")), pyoxigraph.Store())
>>> app.url_path_for("sparql"), app.url_path_for("query_page")
('/sparql', '/query')
>>> remote = create_app(Settings(root=Path("/nowhere"), store_url="http://db:7878/query"))
>>> type(remote.state.backend).__name__, remote.state.runner.state()["kind"]
('RemoteBackend', 'remote')
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pyoxigraph
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, PlainTextResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from sahel_kg.links import Links
from sahel_kg.pages.render import error_page
from sahel_kg.rdf.formats import wants_html
from sahel_kg.settings import Settings
from sahel_kg.store.backend import EmbeddedBackend, GraphBackend, RemoteBackend
from sahel_kg.store.deadlines import PageTimeout
from sahel_kg.store.remote import RemoteStore, StoreUnavailable
from sahel_kg.store.status import DataStatus
from sahel_kg.web import errors, hardening
from sahel_kg.web.routes import discovery
from sahel_kg.web.routes import entities as dereference
from sahel_kg.web.routes import exports as export_routes
from sahel_kg.web.routes import pages as pages_routes
from sahel_kg.web.routes import query_page as query_routes
from sahel_kg.web.routes import releases as releases_routes
from sahel_kg.web.routes import short_links as short_link_routes
from sahel_kg.web.routes import sparql as sparql_routes

STATIC_DIR = Path(__file__).parent / "pages" / "static"


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    app.state.runner.start()
    app.state.data_status.latest()  # the first look at the project files starts now, on its own thread
    yield
    app.state.runner.close()
    if isinstance(app.state.store, RemoteStore):
        app.state.store.close()


async def store_unavailable(request: Request, exc: Exception) -> Response:
    """502 or 504 when the external store fails a page: HTML for browsers, plain text otherwise."""
    assert isinstance(exc, StoreUnavailable)
    headers = {"Retry-After": "5", "Cache-Control": "no-store"}
    if wants_html(request.headers.get("accept")):
        return HTMLResponse(error_page(exc.status, f"{exc.message}."), exc.status, headers=headers)
    return PlainTextResponse(exc.message + "\n", exc.status, headers=headers)


async def page_timed_out(request: Request, exc: Exception) -> Response:
    """503 when a page's own queries ran past the page time limit (``page_timeout``)."""
    assert isinstance(exc, PageTimeout)
    message = f"{exc}; try again later, or narrow it (fewer rows per page, a filter)"
    headers = {"Retry-After": "5", "Cache-Control": "no-store"}
    if wants_html(request.headers.get("accept")):
        return HTMLResponse(error_page(503, f"{message}.", title="Page timed out"), 503, headers=headers)
    return PlainTextResponse(message + "\n", 503, headers=headers)


def create_app(settings: Settings, store: pyoxigraph.Store | RemoteStore | None = None, *,
               store_dir: Path | None = None) -> FastAPI:
    """A new application serving ``store`` as configured by ``settings``.

    ``store`` is the embedded pyoxigraph store, or a :class:`RemoteStore`;
    omitted, it is the remote store ``settings.store_url`` names.
    ``store_dir`` is where an embedded ``store`` lives on disk: given, queries
    run in worker processes that open it read-only and are killed on their
    time limit; omitted (in-memory stores), on threads. See
    :mod:`sahel_kg.web.hardening`. Over a remote store, queries are forwarded to it
    (:mod:`sahel_kg.query.forwarding`) and pages query it (:class:`RemoteBackend`).
    """
    if store is None:
        store = RemoteStore(settings)
    app = FastAPI(
        title="Sahel Harm Graph",
        description="Alleged harm to civilians in the Sahel, every contested fact attributed.",
        lifespan=_lifespan, docs_url=None, redoc_url=None,
    )
    remote = isinstance(store, RemoteStore)
    backend: GraphBackend = RemoteBackend(store) if isinstance(store, RemoteStore) else EmbeddedBackend(store)
    app.state.settings = settings
    app.state.links = Links(settings.public_base_url)  # what the pages need of the settings
    app.state.store = store
    app.state.backend = backend
    app.state.store_dir = None if remote else store_dir  # where the search index of a built store lives
    app.state.jsonld_context = None  # read from the ontology on first use (sahel_kg.linked_data.jsonld)
    app.state.discovery = discovery.Discovery()  # VoID statistics, dumps and sitemap, made on first use
    app.state.releases = None  # the releases folder as last read (sahel_kg.web.routes.releases)
    app.state.search_index = None  # the search index, opened or built on first use (sahel_kg.search.search)
    app.state.data_status = DataStatus(settings.root, None if remote else store_dir)  # is it the files' build?
    hardening.install(app, settings, store_dir=None if remote else store_dir, remote=remote)
    app.add_exception_handler(StoreUnavailable, store_unavailable)
    app.add_exception_handler(PageTimeout, page_timed_out)
    app.add_exception_handler(StarletteHTTPException, errors.http_error)  # HTML 404, 405… for browsers
    app.add_exception_handler(RequestValidationError, errors.invalid_parameters)
    app.include_router(sparql_routes.router)
    app.include_router(query_routes.router)
    app.include_router(short_link_routes.router)
    app.include_router(dereference.router)
    app.include_router(discovery.router)
    app.include_router(releases_routes.router)
    app.include_router(pages_routes.router)
    app.include_router(export_routes.router)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    return app
