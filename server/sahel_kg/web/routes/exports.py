"""The exports: ``/exports`` (the list), ``/exports/{file}`` (each table, streamed), and tables as responses.

==========================  ================================================
``/exports``                the list of exports (HTML)
``/exports/acled.csv``      ACLED-shaped events, one row per incident
``/exports/ucdp-ged.csv``   UCDP-GED-shaped events, one row per incident
``/exports/claims.csv``     every claim about every incident, one row each
==========================  ================================================

A file is streamed as it is computed, a batch of incidents at a time
(:mod:`sahel_kg.exports.records`), with no page deadline: its length grows
with the store, and it is never held whole in memory. Its first chunk is
computed before the status is sent, so a store that cannot be reached is a
502 that says so, not a 200 with an empty or cut-short file.

>>> table_format(None, "text/csv;q=0.9, text/html;q=0.5")
'csv'
>>> table_format(None, "text/html,application/xhtml+xml,*/*;q=0.8"), table_format("JSON", None)
('html', 'json')
>>> table_format("xlsx", None) is None
True
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from itertools import chain

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response, StreamingResponse

from sahel_kg.exports.registry import EXPORTS, Writer, by_filename
from sahel_kg.exports.table import csv_chunks, json_chunks
from sahel_kg.pages import render as pages
from sahel_kg.pages.i18n import _
from sahel_kg.rdf.formats import Offer, Range, choose_among, parse_accept
from sahel_kg.store.backend import GraphBackend
from sahel_kg.store.deadlines import no_deadline
from sahel_kg.web.deps import BackendDep, get_links
from sahel_kg.web.errors import error_response
from sahel_kg.web.routes.entities import without_body

router = APIRouter()

CSV_TYPE = "text/csv; charset=utf-8"
JSON_TYPE = "application/json"
#: What a list or search page is offered as, besides its HTML.
TABLE_OFFERS: tuple[Offer, ...] = (Offer("csv", CSV_TYPE, "CSV", suffix="csv"),
                                   Offer("json", JSON_TYPE, "JSON", suffix="json"))
FORMAT_NAMES = {"html": "html", "text/html": "html", "csv": "csv", "text/csv": "csv",
                "json": "json", "application/json": "json"}


def _names_a_table_type(ranges: list[Range]) -> bool:
    return any(r.q > 0 and (r.type, r.subtype) in (("text", "csv"), ("application", "json")) for r in ranges)


def table_format(format_name: str | None, accept: str | None) -> str | None:
    """``html``, ``csv`` or ``json`` for a list page; None for a ``format=`` we do not serve.

    ``format=`` wins; else CSV or JSON only when ``Accept`` names one of them
    and prefers it to HTML, so that a browser and ``*/*`` keep the page.
    """
    if format_name is not None:
        return FORMAT_NAMES.get(format_name.strip().lower())
    ranges = parse_accept(accept)
    if not _names_a_table_type(ranges):
        return "html"
    html_q = max((r.q for r in ranges if (r.type, r.subtype) in (("text", "html"), ("text", "*"), ("*", "*"))),
                 default=0.0)
    chosen = choose_among(TABLE_OFFERS, accept)
    table_q = max((r.q for r in ranges if chosen and f"{r.type}/{r.subtype}" == chosen.media_type.split(";")[0]),
                  default=0.0)
    return chosen.name if chosen and table_q >= html_q else "html"


def not_acceptable(request: Request, format_name: str) -> Response:
    """406 for a ``format=`` no list serves, naming those that are."""
    return error_response(request, 406, _("format=%(name)s is not served here; use format=html, format=csv or "
                                          "format=json.") % {"name": repr(format_name)})


def table_response(kind: str, columns: Sequence[str], rows: list[list[str]], filename: str) -> Response:
    """A list's rows as CSV or JSON, with a file name for saving."""
    if kind == "csv":
        return Response("".join(csv_chunks(columns, rows)), media_type=CSV_TYPE, headers={
            "Content-Disposition": f'inline; filename="{filename}.csv"', "Vary": "Accept"})
    return Response("".join(json_chunks(columns, rows)), media_type=JSON_TYPE, headers={"Vary": "Accept"})


def _streamed(backend: GraphBackend, write: Writer) -> Iterator[bytes]:
    """The export's chunks as UTF-8, computed without a page deadline (the file grows with the store).

    Each chunk is computed on its own call from the response, each in a copy of
    the request's context: the deadline is lifted for each, not once around all.
    """
    chunks = write(backend)
    while True:
        with no_deadline():
            chunk = next(chunks, None)
        if chunk is None:
            return
        yield chunk.encode("utf-8")


@router.api_route("/exports", methods=["GET", "HEAD"], name="exports", response_class=HTMLResponse)
def exports_index(request: Request) -> Response:
    """The list of exports."""
    items = [pages.ExportItem(name, e.filename, f"/exports/{e.filename}", e.title, e.description)
             for name, e in EXPORTS.items()]
    return without_body(request, HTMLResponse(pages.exports_page(get_links(request), items)))


@router.api_route("/exports/{filename}", methods=["GET", "HEAD"], name="export")
def export_file(filename: str, request: Request, backend: BackendDep) -> Response:
    """One export, streamed as CSV."""
    export = by_filename(filename)
    if export is None:
        names = ", ".join(e.filename for e in EXPORTS.values())
        return without_body(request, error_response(request, 404, _("No export is named %(name)s; there are: %(names)s.")
                                                  % {"name": repr(filename), "names": names}))
    headers = {"Content-Disposition": f'attachment; filename="{export.filename}"', "Cache-Control": "no-cache"}
    if request.method == "HEAD":
        return Response(b"", media_type=CSV_TYPE, headers=headers)
    chunks = _streamed(backend, export.write)
    first = next(chunks, b"")  # the store answers (or fails, as a 5xx) before the 200 is sent
    return StreamingResponse(chain([first], chunks), media_type=CSV_TYPE, headers=headers)
