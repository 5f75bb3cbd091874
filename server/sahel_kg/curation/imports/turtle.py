"""Turtle text for imported rows, written directly as strings: fast, and the same bytes for the same input.

rdflib would take minutes and gigabytes on a full GED release; these writers
stream one block per subject. Every literal goes through :func:`literal`,
every IRI is built from :func:`slug`, so nothing a dataset holds can break
the syntax.

>>> literal('He said "no"\\n')
'"He said \\\\"no\\\\"\\\\n"'
>>> slug("MLI-2012-1-123 "), slug("Front de libération (FLA)")
('mli-2012-1-123', 'front-de-liberation-fla')
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

from sahel_kg.namespaces import PREFIXES

#: The prefixes every imported file declares (only these are used).
USED_PREFIXES = ("acat", "actor", "claim", "cqual", "ctype", "dcterms", "geo", "incident", "itype", "owl", "place",
                 "pprec", "prov", "rdfs", "schema", "sem", "shg", "source", "stance", "tprec", "vstatus", "xsd")
_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f"}
_NEEDS_ESCAPE = re.compile(r'[\\"\n\r\t\b\f]')
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


def header() -> str:
    """The PREFIX lines of an imported file."""
    return "".join(f"PREFIX {p}: <{PREFIXES[p]}>\n" for p in USED_PREFIXES) + "\n"


_LOCAL = re.compile(r"[a-z0-9][a-z0-9-]*[a-z0-9]|[a-z0-9]")
_ENTITY_PREFIXES = tuple((p, PREFIXES[p]) for p in ("incident", "claim", "actor", "place", "source"))


@lru_cache(maxsize=262144)
def curie(iri: str) -> str:
    """``incident:x`` for an IRI of ours whose local name is a slug, else ``<iri>``.

    >>> curie("https://w3id.org/sahel-harm/id/incident/acled-mli1"), curie("https://example.org/x")
    ('incident:acled-mli1', '<https://example.org/x>')
    """
    for prefix, namespace in _ENTITY_PREFIXES:
        if iri.startswith(namespace) and _LOCAL.fullmatch(iri[len(namespace):]):
            return f"{prefix}:{iri[len(namespace):]}"
    return f"<{iri}>"


def literal(text: str, lang: str | None = None) -> str:
    """A Turtle string literal (control characters dropped), with a language tag when given."""
    text = _CONTROL.sub("", text)
    quoted = '"' + _NEEDS_ESCAPE.sub(lambda m: _ESCAPES[m.group(0)], text) + '"'
    return quoted + (f"@{lang}" if lang else "")


def date_literal(value: object) -> str:
    """An xsd:date literal from a date."""
    return f'"{value}"^^xsd:date'


@lru_cache(maxsize=65536)
def slug(text: str) -> str:
    """Lower-case ASCII letters, digits and hyphens: the local name of an IRI built from a dataset value."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    return re.sub(r"[^a-z0-9]+", "-", plain).strip("-") or "x"


def short_hash(*parts: object) -> str:
    """Six hex digits that tell apart values whose slugs agree."""
    return hashlib.sha1("\x1f".join(str(p) for p in parts).encode("utf-8")).hexdigest()[:6]


def block(subject: str, statements: Iterable[tuple[str, Iterable[str]]]) -> str:
    """One subject's block: ``subject`` then each predicate with its objects (predicates without objects left out)."""
    lines = [subject]
    for predicate, objects in statements:
        values = list(objects)
        if not values:
            continue
        if len(values) == 1 and "\n" not in values[0]:
            lines.append(f"    {predicate} {values[0]} ;")
        else:
            lines.append(f"    {predicate}\n        " + " ,\n        ".join(values) + " ;")
    return "\n".join(lines) + "\n.\n\n"


def node(statements: Iterable[tuple[str, Iterable[str]]], indent: str = "        ") -> str:
    """A blank node ``[ … ]`` holding ``statements``."""
    inner = [f"{indent}    {p} {', '.join(objs)} ;" for p, objs in ((p, list(o)) for p, o in statements) if objs]
    return "[\n" + "\n".join(inner) + f"\n{indent}]"
