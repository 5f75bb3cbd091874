"""Ill-typed literals (a value whose text is not in its datatype's lexical space), and text XML cannot carry.

``"many"^^xsd:integer`` or ``"not_a_date"^^xsd:date`` parse as Turtle, but
are *ill-typed* (RDF 1.1 Concepts, section 3.3,
https://www.w3.org/TR/rdf11-concepts/#section-Graph-Literal): they have no
value. rdflib logs a traceback for each while parsing, and pyshacl's
comparisons stop with a ``TypeError`` on them. So the validator reads Turtle
inside :func:`quiet_rdflib` and reports every ill-typed literal itself, at
its file, line, subject and property, saying what to write instead. No SHACL
shape can say this for every property at once: ``sh:datatype`` only checks
the properties a shape names.

>>> from rdflib import Graph
>>> g = Graph()
>>> with quiet_rdflib():
...     _ = g.parse(data='<urn:c> <urn:low> "many"^^<http://www.w3.org/2001/XMLSchema#integer> .', format="turtle")
>>> [(str(p), str(o)) for _s, p, o in ill_typed_triples(g)]
[('urn:low', 'many')]
>>> how_to_write(XSD.date)
'a date as YYYY-MM-DD, e.g. "2024-06-20"^^xsd:date'
"""

from __future__ import annotations

import calendar
import logging
import re
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TypeGuard

from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.term import Node

from sahel_kg.rdf.xml_chars import forbidden_in_xml

#: XML Schema datatypes (a plain Namespace: rdflib's closed XSD warns when pytest's doctest finder probes it).
XSD = Namespace("http://www.w3.org/2001/XMLSchema#")
#: What to write instead, per datatype (anything else gets a generic hint).
HOW_TO_WRITE: dict[URIRef, str] = {
    XSD.integer: "a whole number without quotes, e.g. 60",
    XSD.nonNegativeInteger: "a whole number, 0 or more, without quotes, e.g. 60",
    XSD.decimal: "a number without quotes, e.g. 12.5",
    XSD.double: "a number without quotes, e.g. 12.5e0",
    XSD.boolean: "true or false, without quotes",
    XSD.date: 'a date as YYYY-MM-DD, e.g. "2024-06-20"^^xsd:date',
    XSD.dateTime: 'a date and time, e.g. "2024-06-20T14:30:00"^^xsd:dateTime',
    XSD.gYear: 'a year, e.g. "2024"^^xsd:gYear',
}

_CONVERSION_FAILED = "Failed to convert Literal lexical form to value"


class _DropConversionNoise(logging.Filter):
    """Drops rdflib's "Failed to convert Literal lexical form" records (we report those literals)."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith(_CONVERSION_FAILED)


@contextmanager
def quiet_rdflib() -> Iterator[None]:
    """Read and validate Turtle without rdflib's log records and warnings about
    ill-typed literals: they become report lines (see :func:`literal_problems`)."""
    logger = logging.getLogger("rdflib.term")
    noise = _DropConversionNoise()
    logger.addFilter(noise)
    try:
        with warnings.catch_warnings():
            for warning in ("Parsing weird boolean", "Serializing weird numerical"):  # rdflib on ill-typed values
                warnings.filterwarnings("ignore", message=warning, category=UserWarning)
            yield
    finally:
        logger.removeFilter(noise)


def is_ill_typed(term: Node | None) -> TypeGuard[Literal]:
    """True for a literal whose text is not a value of its datatype.

    >>> is_ill_typed(Literal("12", datatype=XSD.integer)), is_ill_typed(URIRef("urn:x"))
    (False, False)
    """
    return isinstance(term, Literal) and bool(term.ill_typed)


def ill_typed_triples(graph: Graph) -> Iterator[tuple[Node, Node, Literal]]:
    """Every triple of ``graph`` whose object is an ill-typed literal."""
    for subject, predicate, value in graph:
        if is_ill_typed(value):
            yield subject, predicate, value


def how_to_write(datatype: URIRef | None) -> str:
    """A hint at the lexical form of ``datatype``."""
    if datatype in HOW_TO_WRITE:
        return HOW_TO_WRITE[datatype]
    return f"a valid value of {datatype}"


def message_for(value: Literal) -> str:
    """What is wrong with an ill-typed literal and what to write instead.

    >>> message_for(Literal("many", datatype=XSD.integer))
    '"many" is not a valid xsd:integer: write a whole number without quotes, e.g. 60.'
    """
    datatype = str(value.datatype).replace(str(XSD), "xsd:")
    if value.datatype == XSD.boolean:  # rdflib rewrites an ill-typed boolean's text as "false"
        return f"a value that is not true, false, 1 or 0 is not a valid xsd:boolean: write {how_to_write(XSD.boolean)}."
    impossible = impossible_day(str(value)) if value.datatype in (XSD.date, XSD.dateTime) else None
    if impossible:
        return f'"{value}" is not a valid {datatype}: {impossible}.'
    return f'"{value}" is not a valid {datatype}: write {how_to_write(value.datatype)}.'


_DATE = re.compile(r"(-?\d{4,})-(\d{2})-(\d{2})(?=$|T|Z|[+-]\d{2}:\d{2})")
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December")


def impossible_day(text: str) -> str | None:
    """For a date written as YYYY-MM-DD whose month or day does not exist, what is wrong; else None.

    >>> impossible_day("2024-02-30")
    'February 2024 has 29 days, so there is no 30 February; check the day against the source'
    >>> impossible_day("2023-13-01")
    'there is no month 13 (months run from 01 to 12); check the date against the source'
    >>> impossible_day("2024-02-29") is None, impossible_day("30/02/2024") is None
    (True, True)
    """
    found = _DATE.match(text)
    if found is None:
        return None
    year, month, day = (int(g) for g in found.groups())
    if not 1 <= month <= 12:
        return f"there is no month {found.group(2)} (months run from 01 to 12); check the date against the source"
    length = calendar.monthrange(year, month)[1] if 1 <= year <= 9999 else 31
    if 1 <= day <= length:
        return None
    if day < 1:
        return f"there is no day {found.group(3)} (days start at 01); check the date against the source"
    name = _MONTHS[month - 1]
    return f"{name} {year} has {length} days, so there is no {day} {name}; check the day against the source"


def unrepresentable_triples(graph: Graph) -> Iterator[tuple[Node, Node, Literal, str]]:
    """Every triple whose literal holds a character XML 1.0 cannot carry, with that character (``U+0001``).

    The data is served as RDF/XML and SPARQL XML too, which cannot hold the C0
    controls (but tab, LF, CR), U+FFFE or U+FFFF at all (XML 1.0, §2.2).

    >>> g = Graph()
    >>> _ = g.add((URIRef("urn:s"), URIRef("urn:p"), Literal("a\\x01b")))
    >>> [(str(p), c) for _s, p, _o, c in unrepresentable_triples(g)]
    [('urn:p', 'U+0001')]
    """
    for subject, predicate, value in graph:
        if isinstance(value, Literal):
            found = forbidden_in_xml(str(value).encode("utf-8", "surrogatepass"))
            if found:
                yield subject, predicate, value, found


def unrepresentable_message(character: str) -> str:
    """What to do about a literal holding ``character``."""
    return (f"the text holds the character {character}, which XML 1.0 cannot carry (the data is also served "
            "as RDF/XML): remove it, or write the character it stands for")
