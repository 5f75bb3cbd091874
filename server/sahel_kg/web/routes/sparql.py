"""``/sparql``: the SPARQL 1.1 Protocol endpoint, over the embedded or an external store."""

from __future__ import annotations

import asyncio

import pyoxigraph
from fastapi import APIRouter, Request
from fastapi.responses import PlainTextResponse, Response

from sahel_kg.linked_data.service_description import SD_PREFIXES, describe
from sahel_kg.rdf.formats import HTML, choose, offered, wants_html
from sahel_kg.settings import Settings
from sahel_kg.store.backend import GraphBackend
from sahel_kg.store.ondisk import ServedStore
from sahel_kg.web.observability import note_query
from sahel_kg.web.responses import respond
from sahel_kg.web.routes.query_page import editor_page, results_page
from sahel_kg.web.sparql_request import (
    ProtocolError,
    ProtocolRequest,
    job_for,
    read_request,
    read_request_query_safely,
    refuse_service,
    refuse_update,
)

router = APIRouter()


def description_response(backend: GraphBackend, endpoint: str, accept: str | None, format_name: str | None) -> Response:
    """The description in the negotiated RDF format (Turtle by default), or 406."""
    offer = choose("graph", accept, format_name)
    if offer is None or offer is HTML or offer.rdf_format is None:
        return PlainTextResponse("offered: " + ", ".join(offered("graph")[:-1]) + "\n", 406)
    graphs = sorted(backend.named_graphs())
    body = pyoxigraph.serialize(describe(endpoint, graphs), format=offer.rdf_format, prefixes=SD_PREFIXES)
    return Response(body, media_type=offer.media_type, headers={"Vary": "Accept"})


# ---------------------------------------------------------------- the route

async def sparql(request: Request) -> Response:
    """The SPARQL endpoint. Async because the work is handed to the app's :class:`~sahel_kg.query.runners.Runner`.

    A plain Starlette route, not a FastAPI one: it is the hot path, and
    FastAPI's dependency solving cost more than the rest of the request.
    """
    state = request.app.state
    settings, store, runner = state.settings, state.store, state.runner
    try:
        req = await read_request(request)
        if req.update is not None:
            return refuse_update(request, settings)
        if req.query is None:
            return await _no_query(request, req, settings, store)
        note_query(request, req.query)
        text = await read_request_query_safely(req, settings)
        refuse_service(request, settings, req.query, text)
        if wants_html(req.accept, req.format):
            return await results_page(request, store, settings, req, runner)
        return respond(*await runner.run(store, job_for(req, settings, text=text)))
    except ProtocolError as exc:
        return exc.response()


async def _no_query(request: Request, req: ProtocolRequest, settings: Settings, store: ServedStore) -> Response:
    if request.method == "POST":
        raise ProtocolError(400, "no 'query' or 'update' given")
    if wants_html(req.accept, req.format):
        return editor_page(request, settings, query=None)
    backend = request.app.state.backend
    return await asyncio.to_thread(description_response, backend, req.base_iri or "", req.accept, req.format)


router.add_route("/sparql", sparql, methods=["GET", "POST"], name="sparql")
