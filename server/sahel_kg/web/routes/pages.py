"""The routes of the site's own pages: ``/``, ``/browse``, ``/browse/{list}`` and ``/search``.

A list and the search results are also served as CSV or JSON (``?format=csv``,
``?format=json``, or ``Accept``), with the same rows as the HTML table; each
linked cell gets a ``… url`` column beside it. A program reads what it asked
for or is told why not: as CSV or JSON, a filter it misspells or gives a value
the list cannot use is a 400 (the HTML page shows the list unfiltered with a
notice, which a program would never see), a page past the last is a 404, and
the next and previous pages are in ``Link`` (``rel="next"``, ``rel="prev"``).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, Response

from sahel_kg.languages import DEFAULT, current
from sahel_kg.links import BROWSE
from sahel_kg.pages import lists
from sahel_kg.pages import views as v
from sahel_kg.pages.i18n import _
from sahel_kg.pages.lists import SPECS, browse_lists, browse_view, home_view, page_meta
from sahel_kg.pages.render import render
from sahel_kg.pages.resources import labels_of
from sahel_kg.search.search import SearchUnavailable, index_for
from sahel_kg.web.deps import get_backend as _backend
from sahel_kg.web.deps import get_links as _links
from sahel_kg.web.errors import error_response
from sahel_kg.web.routes.entities import without_body
from sahel_kg.web.routes.exports import not_acceptable, table_format, table_response


def _absolute(request: Request, href: str | None) -> str:
    return str(request.base_url).rstrip("/") + href if href and href.startswith("/") else href or ""


def _table_request_problem(name: str, chosen: dict[str, str], view: lists.BrowseView, page: int) -> tuple[int, str] | None:
    """Why a CSV or JSON page cannot be what was asked for (status, message), or None."""
    accepted = SPECS[name].filters
    unknown = sorted(k for k in chosen if k not in accepted)
    if unknown:
        return 400, (f"{', '.join(unknown)}: not a filter of the {name} list; "
                     f"its filters are {', '.join(accepted) or 'none'} (and page, per_page, format)")
    if view.errors:
        return 400, " ".join(view.errors).replace("Ignored the", "The") + " Nothing was listed."
    if page != view.page:
        return 404, f"there is no page {page} of this list: it has {view.pages} page(s) of {view.total} row(s)"
    return None


def _paging_links(request: Request, view: lists.BrowseView) -> dict[str, str]:
    """``Link`` with the next and previous pages, in the same format, for a program paging through a list."""
    links = []
    for href, rel in ((view.next_href, "next"), (view.prev_href, "prev")):
        if href:
            url = request.url.include_query_params(page=view.page + (1 if rel == "next" else -1))
            links.append(f'<{url}>; rel="{rel}"')
    return {"Link": ", ".join(links)} if links else {}


def table_of(request: Request, columns: list[str], cells: list[list[lists.TableCell]],
             linkable: list[bool]) -> tuple[list[str], list[list[str]]]:
    """Columns and rows of plain text for a table of cells: each column that links (``linkable``, from the
    list's definition, so that all pages have the same columns) gets its URLs beside it."""
    linked = [(i < len(linkable) and linkable[i]) or any(len(row) > i and row[i].href for row in cells)
              for i in range(len(columns))]
    header = [name for i, c in enumerate(columns) for name in ([c, f"{c} url"] if linked[i] else [c])]
    rows = []
    for row in cells:
        out: list[str] = []
        for i, cell in enumerate(row[:len(columns)]):
            out.append(cell.text)
            if linked[i]:
                out.append(_absolute(request, cell.href))
        rows.append(out)
    return header, rows

router = APIRouter()


@router.api_route("/", methods=["GET", "HEAD"], name="home", response_class=HTMLResponse)
def home(request: Request) -> Response:
    """What the dataset is, its counts, a timeline, example queries and where to go next."""
    view = home_view(_backend(request), _links(request))
    return without_body(request, HTMLResponse(render("home.html", page=view, meta=view.meta)))


@router.api_route("/browse", methods=["GET", "HEAD"], name="browse_index", response_class=HTMLResponse)
def browse_index(request: Request) -> Response:
    """The list of lists."""
    meta = page_meta(_links(request), BROWSE, _("Browse"), _("Browse"))
    lists = browse_lists()
    return without_body(request, HTMLResponse(render("browse_index.html", meta=meta, lists=lists)))


@router.api_route("/browse/{name}", methods=["GET", "HEAD"], name="browse", response_class=HTMLResponse)
def browse(
    request: Request, name: str,
    page: Annotated[int, Query(ge=1, description="page number, from 1")] = 1,
    per_page: Annotated[int, Query(ge=1, le=200, description="rows per page")] = 20,
    format: Annotated[str | None, Query(description="html, csv or json (default: by Accept)")] = None,
) -> Response:
    """A list of incidents, actors, places, sources or claims; other query parameters filter it."""
    return without_body(request, _browse(request, name, page, per_page, format))


def _browse(request: Request, name: str, page: int, per_page: int, format: str | None) -> Response:
    if name not in SPECS:
        raise HTTPException(404, _("no list named %(name)s; try one of %(lists)s") % {"name": repr(name), "lists": ", ".join(SPECS)})
    kind = table_format(format, request.headers.get("accept"))
    if kind is None:
        return not_acceptable(request, format or "")
    chosen = {k: val for k, val in request.query_params.items() if k not in ("page", "per_page", "format", "lang")}
    view = browse_view(_backend(request), _links(request), name, chosen, page, per_page)
    if kind != "html":
        problem = _table_request_problem(name, chosen, view, page)
        if problem is not None:
            return error_response(request, *problem)
        header, rows = table_of(request, view.columns, view.rows, lists.linked_columns(_links(request), name))
        response = table_response(kind, header, rows, f"{name}-page-{view.page}")
        response.headers.update(_paging_links(request, view))
        return response
    return HTMLResponse(render("browse.html", page=view, meta=view.meta), headers={"Vary": "Accept"})


@router.api_route("/search", methods=["GET", "HEAD"], name="search", response_class=HTMLResponse)
def search(request: Request, q: Annotated[str, Query(description="words to find in labels")] = "",
           format: Annotated[str | None, Query(description="html, csv or json (default: by Accept)")] = None) -> Response:
    """Resources with a label in which every word begins a word, ignoring case and accents.

    503 with Retry-After while the search index is being built.
    """
    return without_body(request, _search(request, q, format))


def _search(request: Request, q: str, format: str | None) -> Response:
    kind = table_format(format, request.headers.get("accept"))
    if kind is None:
        return not_acceptable(request, format or "")
    links = _links(request)
    meta = page_meta(links, links.search(q), _("Search"), _("Search"))
    try:
        hits = index_for(request.app.state, _backend(request)).search(q) if q.strip() else []
    except SearchUnavailable as exc:
        if kind != "html":  # a program asked for a table: a message it can log, not a page to render
            return error_response(request, 503, exc.message, headers={
                "Retry-After": str(exc.retry_after), "Cache-Control": "no-store"})
        body = render("search_unavailable.html", meta=meta, q=q, message=exc.message, retry_after=exc.retry_after)
        return HTMLResponse(body, 503, headers={"Retry-After": str(exc.retry_after), "Cache-Control": "no-store"})
    # the index names things in English; a reader of another language sees its labels where the data has them
    names = {iri: label[0] for iri, label in labels_of(_backend(request), [h.entry.iri for h in hits]).items()} \
        if current() != DEFAULT else {}
    results = []
    for h in hits:
        name = names.get(h.entry.iri, h.entry.name)
        also = None if h.entry.main or h.entry.text in (h.entry.name, name) else h.entry.text
        results.append((v.link_to(links, h.entry.iri, name), v.kind_words(h.entry.kind), also))
    if kind != "html":
        rows = [[link.text, _absolute(request, link.href), h.entry.iri, h.entry.kind, matched or ""]
                for (link, _what, matched), h in zip(results, hits, strict=True)]
        return table_response(kind, ["label", "url", "iri", "kind", "matched"], rows, "search")
    return HTMLResponse(render("search.html", meta=meta, q=q, results=results), headers={"Vary": "Accept"})
