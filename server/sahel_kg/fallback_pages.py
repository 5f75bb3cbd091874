"""Minimal HTML answers, used when :mod:`sahel_kg.pages` has no page for a request.

The real pages live in :mod:`sahel_kg.pages`; :func:`page_function` finds one
of its functions lazily, so dereferencing works (with these plain, escaped
pages) before or without it. Everything interpolated is escaped:

>>> "&lt;b&gt;" in not_found_html("http://e/<b>", "http://h/")
True
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from html import escape

import pyoxigraph

LABELS = ("http://www.w3.org/2000/01/rdf-schema#label", "http://www.w3.org/2004/02/skos/core#prefLabel")


def page_function(name: str) -> Callable[..., str | None] | None:
    """``sahel_kg.pages.<name>`` when that module and function exist, else None."""
    try:
        module = importlib.import_module("sahel_kg.pages")
    except ModuleNotFoundError as exc:
        if exc.name != "sahel_kg.pages":
            raise
        return None
    return getattr(module, name, None)  # type: ignore[no-any-return]


def _page(title: str, body: str, home: str) -> str:
    return (f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>{escape(title)}'
            f' · Sahel Harm Graph</title></head><body><h1>{escape(title)}</h1>\n{body}\n'
            f'<p><a href="{escape(home)}">Sahel Harm Graph</a> · <a href="{escape(home)}sparql">SPARQL</a>'
            f'</p></body></html>\n')


def _term(term: object, local: Callable[[str], str]) -> str:
    if isinstance(term, pyoxigraph.NamedNode):
        return f'<a href="{escape(local(term.value))}">{escape(term.value)}</a>'
    if isinstance(term, pyoxigraph.Literal):
        return escape(term.value)
    return escape(str(term))


def entity_html(iri: str, triples: list[pyoxigraph.Triple], home: str,
                local: Callable[[str], str]) -> str:
    """A table of what the graph says about ``iri``."""
    label = next((t.object.value for t in triples if t.subject.value == iri
                  and t.predicate.value in LABELS), iri)
    rows = "\n".join(f"<tr><td>{_term(t.subject, local)}</td><td>{_term(t.predicate, local)}</td>"
                     f"<td>{_term(t.object, local)}</td></tr>" for t in triples)
    body = (f"<p><code>{escape(iri)}</code></p>\n<table><tr><th>subject</th><th>property</th>"
            f"<th>value</th></tr>\n{rows}\n</table>")
    return _page(label, body, home)


def not_found_html(iri: str, home: str) -> str:
    """The 404 page: nothing is known about ``iri``."""
    body = (f"<p>Nothing is known about <code>{escape(iri)}</code>. Check the spelling, "
            f"or look for the entity with a <a href=\"{escape(home)}query\">SPARQL query</a>.</p>")
    return _page("Not found", body, home)


def gone_html(iri: str, replacement: str | None, home: str) -> str:
    """The 410 page for a retired IRI (``replacement`` is normally None here)."""
    more = f' It was replaced by <a href="{escape(replacement)}">{escape(replacement)}</a>.' if replacement else ""
    body = f"<p><code>{escape(iri)}</code> was retired and is no longer described.{more}</p>"
    return _page("Gone", body, home)

