"""Federation: the SERVICE check that keeps the endpoint from being used against us or others.

SERVICE. The installed pyoxigraph *does* fetch ``SERVICE <url>`` over HTTP
while evaluating (a canary on 127.0.0.1 records the hit), so a federated
query could make the server call its own loopback, a private network or a
cloud metadata address. ``FROM <url>`` does not fetch (it only names a graph
of the store), and updates (``LOAD``) are refused altogether. Two guards:

1. Before any evaluation, :func:`check_services` reads every SERVICE clause
   with the query reader (:mod:`sahel_kg.rdf.sparql_text`, checked against the
   engine) and refuses the query unless federation is enabled, each endpoint
   is a literal IRI on the allow-list, and its host resolves only to public
   addresses (:func:`forbidden_address`).
2. With federation off, the worker processes that evaluate queries have no
   network at all (:mod:`sahel_kg.query.isolation`), so a SERVICE clause that the
   first guard missed fails inside the worker and reaches nothing.
3. Where no isolated worker evaluates the query (federation on, an external
   store, threads over an in-memory store, a system without namespaces),
   :func:`unread_service_refusal` refuses any query in which the letters
   SERVICE appear more often than the reader found SERVICE clauses.

>>> service_targets("SELECT * { SERVICE <http://a/sparql> { ?s ?p ?o } }")
['<http://a/sparql>']
>>> service_targets('SELECT * { ?s ?p "SERVICE <x>" } # SERVICE <y>')
[]
>>> service_targets("select * { service silent ?ep { } }")
['?ep']
>>> service_targets("SELECT * { ?s ex:service ?o . ?service ?p ?o }")
[]
>>> forbidden_address("169.254.169.254"), forbidden_address("10.1.2.3"), forbidden_address("8.8.8.8")
(True, True, False)
"""

from __future__ import annotations

import ipaddress
import logging
import re
import socket
from collections.abc import Callable, Iterable
from urllib.parse import urlsplit

from sahel_kg.namespaces import PREFIXES
from sahel_kg.rdf.sparql_text import ServiceCall, read_query

log = logging.getLogger(__name__)

def service_targets(query: str) -> list[str]:
    """Every SERVICE clause's target as written: ``<iri>``, ``?var`` or ``prefix:name`` (see :mod:`sahel_kg.rdf.sparql_text`)."""
    return [call.target for call in read_query(query, prefixes=PREFIXES).services]


def forbidden_address(address: str) -> bool:
    """True for loopback, private, link-local, reserved, multicast or unspecified addresses."""
    ip = ipaddress.ip_address(address.split("%")[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return not ip.is_global or ip.is_multicast or ip.is_reserved


Resolver = Callable[[str], Iterable[str]]


def resolve(host: str) -> list[str]:
    """Every address a host name resolves to (both families)."""
    infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    return sorted({address for *_, sockaddr in infos if isinstance(address := sockaddr[0], str)})  # IPv4 and IPv6: text


def endpoint_refusal(url: str, allowed: Iterable[str], resolver: Resolver | None = None) -> str | None:
    """Why a SERVICE endpoint may not be called, or None when it may.

    >>> endpoint_refusal("http://127.0.0.1/sparql", ["http://127.0.0.1/sparql"], lambda h: [h])
    'SERVICE endpoint http://127.0.0.1/sparql resolves to a non-public address (127.0.0.1)'
    >>> endpoint_refusal("https://q.example/sparql", ["https://q.example/sparql"], lambda h: ["93.184.216.34"]) is None
    True
    """
    if url not in set(allowed):
        return f"SERVICE endpoint {url} is not on this server's allow-list"
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return f"SERVICE endpoint {url} is not an http(s) URL"
    try:
        addresses = list((resolver or resolve)(parts.hostname))
    except (OSError, UnicodeError):
        return f"SERVICE endpoint {url} does not resolve"
    bad = [a for a in addresses if forbidden_address(a)]
    if bad or not addresses:
        return f"SERVICE endpoint {url} resolves to a non-public address ({', '.join(bad) or 'none'})"
    return None


def check_services(query: str, *, enabled: bool, allowed: Iterable[str], resolver: Resolver | None = None) -> str | None:
    """Why a query's SERVICE calls are refused, or None when it makes none (or only safe ones)."""
    return check_service_calls(read_query(query, prefixes=PREFIXES).services, enabled=enabled, allowed=allowed,
                               resolver=resolver)


#: The keyword as the engine matches it: these seven ASCII letters in any case, nothing else.
_SERVICE_LETTERS = re.compile("service", re.IGNORECASE | re.ASCII)


def unread_service_refusal(query: str, calls: list[ServiceCall]) -> str | None:
    """Why a query must be refused where nothing isolates the engine's network, or None.

    The engine reads SERVICE only where the letters ``service`` stand in the
    text (ASCII, any case: it matches keywords with ``eq_ignore_ascii_case``,
    and this build applies no codepoint escapes outside strings and IRIs). So
    when they appear more often than the reader found SERVICE clauses, the
    engine might read one the reader did not; with no isolated worker to stop
    it, the query is refused. Sound whatever the reader misses.

    >>> unread_service_refusal("SELECT ?service { }", []) is not None
    True
    >>> unread_service_refusal("SELECT * { ?s ?p ?o }", []) is None
    True
    """
    if len(_SERVICE_LETTERS.findall(query)) <= len(calls):
        return None
    return ("this query holds the word SERVICE where it is not a SERVICE clause (in a name, a string, a "
            "comment or an IRI); this endpoint cannot rule out that its engine reads it as one, so it refuses "
            "the query: rename or remove it")


def shown(text: str) -> str:
    """Text from a query as a message can show it: as written when it is visible, else escaped, so that a
    no-break space or a form feed the engine does not read as a space is seen.

    >>> shown("?ep"), shown("\\xa0")
    ('?ep', "'\\\\xa0' (a character that is not a plain space, tab or line break)")
    """
    if text.isprintable() and text.strip():
        return text
    return f"{text!a} (a character that is not a plain space, tab or line break)"


def check_service_calls(calls: list[ServiceCall], *, enabled: bool, allowed: Iterable[str],
                        resolver: Resolver | None = None) -> str | None:
    """Why these SERVICE calls (read by :func:`sahel_kg.rdf.sparql_text.read_query`) are refused, or None."""
    if not calls:
        return None
    if not enabled:
        return ("federated queries (SERVICE) are disabled on this endpoint; "
                "run the parts against each endpoint yourself")
    for call in calls:
        if call.iri is None:
            return f"SERVICE needs a literal endpoint IRI here, not {shown(call.target)}"
        refusal = endpoint_refusal(call.iri, allowed, resolver)
        if refusal:
            return refusal
    return None
