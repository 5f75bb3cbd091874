"""The routes of the site's own pages: ``/``, ``/browse``, ``/browse/{list}`` and ``/search``."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import HTMLResponse

from sahel_kg.languages import DEFAULT, current
from sahel_kg.links import BROWSE
from sahel_kg.pages import views as v
from sahel_kg.pages.i18n import _
from sahel_kg.pages.lists import SPECS, browse_lists, browse_view, home_view, page_meta
from sahel_kg.pages.render import render
from sahel_kg.pages.resources import labels_of
from sahel_kg.search.search import SearchUnavailable, index_for
from sahel_kg.web.deps import get_backend as _backend
from sahel_kg.web.deps import get_links as _links

router = APIRouter()


@router.get("/", name="home", response_class=HTMLResponse)
def home(request: Request) -> HTMLResponse:
    """What the dataset is, its counts, a timeline, example queries and where to go next."""
    view = home_view(_backend(request), _links(request))
    return HTMLResponse(render("home.html", page=view, meta=view.meta))


@router.get("/browse", name="browse_index", response_class=HTMLResponse)
def browse_index(request: Request) -> HTMLResponse:
    """The list of lists."""
    meta = page_meta(_links(request), BROWSE, _("Browse"), _("Browse"))
    lists = browse_lists()
    return HTMLResponse(render("browse_index.html", meta=meta, lists=lists))


@router.get("/browse/{name}", name="browse", response_class=HTMLResponse)
def browse(
    request: Request, name: str,
    page: Annotated[int, Query(ge=1, description="page number, from 1")] = 1,
    per_page: Annotated[int, Query(ge=1, le=200, description="rows per page")] = 20,
) -> HTMLResponse:
    """A list of incidents, actors, places, sources or claims; other query parameters filter it."""
    if name not in SPECS:
        raise HTTPException(404, f"no list named {name!r}; try one of {', '.join(SPECS)}")
    chosen = {k: val for k, val in request.query_params.items() if k not in ("page", "per_page", "lang")}
    view = browse_view(_backend(request), _links(request), name, chosen, page, per_page)
    return HTMLResponse(render("browse.html", page=view, meta=view.meta))


@router.get("/search", name="search", response_class=HTMLResponse)
def search(request: Request, q: Annotated[str, Query(description="words to find in labels")] = "") -> HTMLResponse:
    """Resources with a label in which every word begins a word, ignoring case and accents.

    503 with Retry-After while the search index is being built.
    """
    links = _links(request)
    meta = page_meta(links, links.search(q), _("Search"), _("Search"))
    try:
        hits = index_for(request.app.state, _backend(request)).search(q) if q.strip() else []
    except SearchUnavailable as exc:
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
    return HTMLResponse(render("search.html", meta=meta, q=q, results=results))
