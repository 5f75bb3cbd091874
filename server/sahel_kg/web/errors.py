"""Error answers in the client's language: an HTML page for a browser, JSON or plain text for any other client.

A browser (``Accept`` preferring ``text/html``, :func:`~sahel_kg.rdf.formats.wants_html`)
that asks for an unknown path, with a method a path does not take, or with
invalid parameters gets a page on the site's layout (language, title, skip
link, one ``main``, a search form, the lists to browse), with the same status
and headers. Other clients keep FastAPI's JSON (``{"detail": …}``) or, where a
route answers plain text, plain text.
"""

from __future__ import annotations

from fastapi import Request
from fastapi.exception_handlers import http_exception_handler, request_validation_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, PlainTextResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from sahel_kg.pages.i18n import _
from sahel_kg.pages.render import OtherLanguage, error_page
from sahel_kg.rdf.formats import wants_html


def for_browser(request: Request) -> bool:
    """Whether the client would take an HTML page over anything else."""
    return wants_html(request.headers.get("accept"))


def error_response(request: Request, status: int, message: str, headers: dict[str, str] | None = None) -> Response:
    """``message`` as an HTML error page for a browser, as plain text otherwise."""
    if for_browser(request):
        return HTMLResponse(error_page(status, message, path=request.url.path), status, headers=headers)
    return PlainTextResponse(message + "\n", status, headers=headers)


def _http_message(request: Request, exc: StarletteHTTPException) -> list[str]:
    path = request.url.path
    if exc.status_code == 404:
        said = [] if exc.detail in (None, "", "Not Found") else [f"{str(exc.detail)[:1].upper()}{str(exc.detail)[1:]}."]
        return [_("Nothing is served at %(path)s.") % {"path": path}, *said,
                _("It may be mistyped. Identifiers of the graph start with /id/, /ontology, /vocab, /shapes or /graph.")]
    if exc.status_code == 405:
        allowed = (exc.headers or {}).get("Allow", "")
        return [f"{path} does not take {request.method} requests"
                + (f"; it answers {allowed.replace(', ', ' and ')}." if allowed else ".")]
    return [str(exc.detail)]


async def http_error(request: Request, exc: Exception) -> Response:
    """404, 405 and other HTTP errors raised by the routing or a route: a page for browsers, else FastAPI's JSON."""
    assert isinstance(exc, StarletteHTTPException)
    if not for_browser(request):
        return await http_exception_handler(request, exc)
    body = error_page(exc.status_code, _http_message(request, exc), path=request.url.path)
    return HTMLResponse(body, exc.status_code, headers=exc.headers)


async def invalid_parameters(request: Request, exc: Exception) -> Response:
    """422 for parameters a route cannot take: a page listing them for browsers, else FastAPI's JSON."""
    assert isinstance(exc, RequestValidationError)
    if not for_browser(request):
        return await request_validation_exception_handler(request, exc)
    # the validator's own words are English whatever the page's language: marked so (WCAG 3.1.2)
    lines = [OtherLanguage(f"{' → '.join(str(p) for p in e.get('loc', ())[1:]) or 'the request'}: "
                           f"{e.get('msg', 'invalid')}.", "en") for e in exc.errors()]
    return HTMLResponse(error_page(422, [_("This address's parameters cannot be used:"), *lines], path=""), 422)
