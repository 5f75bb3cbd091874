"""Short links: ``POST /q`` saves a query and its view, ``GET /q/{id}`` shows them again.

The id is content-addressed (:func:`sahel_kg.store.short_links.link_id`): the
same query and view always give the same link. The page at ``/q/{id}`` is
the query page with that query run, whatever its length (no URL limit).
"""

from __future__ import annotations

import asyncio
import logging
import re
import sqlite3
from typing import Annotated
from urllib.parse import parse_qsl

from fastapi import APIRouter, HTTPException, Path, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from sahel_kg.languages import negotiate
from sahel_kg.pages.i18n import _
from sahel_kg.store.short_links import ID_LENGTH, SharedQuery, load_link, save_link
from sahel_kg.web.deps import RunnerDep, SettingsDep, StoreDep
from sahel_kg.web.routes.query_page import page_ask, run_query_page

router = APIRouter()
log = logging.getLogger(__name__)

def view_params(fields: dict[str, str]) -> str:
    """The link's view as canonical URL parameters (view, page, types, chart): known keys and values only,
    in a fixed order, empty ones left out, so the same view always gives the same link."""
    ask = page_ask(fields.get("view"), fields.get("page"), fields.get("types"), fields.get("chart"))
    parts = [("view", ask.view or ""), ("page", str(ask.page) if ask.page > 1 else ""), ("types", "1" if ask.types else ""),
             ("chart", "line" if ask.line else "")]
    return "&".join(f"{k}={v}" for k, v in parts if v)


@router.post("/q", name="short_link_new")
async def new_short_link(request: Request, settings: SettingsDep) -> Response:
    """Save the form's ``query`` (and ``view``, ``page``, ``types``); 303 to ``/q/{id}``, or JSON
    ``{"id", "url"}`` when the client accepts JSON and not HTML."""
    try:
        fields = dict(parse_qsl((await request.body()).decode("utf-8"), keep_blank_values=True))
    except UnicodeDecodeError:
        raise HTTPException(400, _("The form is not UTF-8 text.")) from None
    query = fields.get("query", "")
    if not query.strip():
        raise HTTPException(400, _("No query to link to: send the form field “query”."))
    try:
        key = await asyncio.to_thread(save_link, settings.short_links_path, SharedQuery(query, view_params(fields)))
    except (sqlite3.Error, OSError) as exc:
        log.error("short link not saved in %s: %s", settings.short_links_path, exc)
        raise HTTPException(503, _("Short links cannot be saved on this server just now; share the page's "
                                   "URL instead."), headers={"Retry-After": "30"}) from None
    url = str(request.url_for("short_link", key=key))
    accept = request.headers.get("accept", "")
    if "json" in accept and "html" not in accept:
        return JSONResponse({"id": key, "url": url}, 201, headers={"Location": url})
    # the link is the same in every language; the page it opens keeps the one the reader chose (the form's lang)
    chosen = negotiate(fields.get("lang") or request.query_params.get("lang"), None)
    return RedirectResponse(f"{url}?lang={chosen.lang}" if chosen.explicit else url, 303)


@router.get("/q/{key}", name="short_link", response_class=HTMLResponse)
async def short_link(
    request: Request, settings: SettingsDep, store: StoreDep, runner: RunnerDep,
    key: Annotated[str, Path(description="the link's id, as POST /q gave it")],
) -> HTMLResponse:
    """The query page with the linked query run in its view; 404 for an id never given."""
    shared = None
    if re.fullmatch(f"[a-z2-7]{{{ID_LENGTH}}}", key):
        shared = await asyncio.to_thread(load_link, settings.short_links_path, key)
    if shared is None:
        shown = key if len(key) <= 2 * ID_LENGTH else key[:2 * ID_LENGTH] + "…"  # not a long path echoed whole
        raise HTTPException(404, _("No short link %(key)s: it was never made here (the query page's “Short link” "
                                   "button makes one).") % {"key": repr(shown)})
    fields = dict(parse_qsl(shared.view))
    return await run_query_page(request, settings, store, runner, shared.query,
                                page_ask(fields.get("view"), fields.get("page"), fields.get("types"), fields.get("chart")))
