"""Characters XML 1.0 cannot carry: no XML body that an XML parser would reject.

XML 1.0 (§2.2, production ``Char``) allows tab, LF, CR, U+0020–U+D7FF,
U+E000–U+FFFD and U+10000–U+10FFFF. The other code points (the C0 controls
but those three, U+FFFE, U+FFFF) cannot appear in an XML document at all,
not even as character references. pyoxigraph writes literals as they are,
so a literal holding one of them makes its SPARQL XML results or RDF/XML
unparseable. Such a result is refused (406, naming the character) before
anything is sent, or, when it shows up after the stream has started, the
stream is cut so the client sees an error instead of a broken document.
JSON, CSV, TSV and the Turtle family escape these characters and are fine.

>>> forbidden_in_xml(b"<literal>a\\x01b</literal>")
'U+0001'
>>> forbidden_in_xml("ok \\ufffd".encode()) is None
True
>>> is_xml_media_type("application/sparql-results+xml"), is_xml_media_type("text/turtle")
(True, False)
"""

from __future__ import annotations

import re

_FORBIDDEN = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f]|\xef\xbf[\xbe\xbf]")
_XML_TYPES = ("application/sparql-results+xml", "application/rdf+xml", "application/xml", "text/xml")


class NotRepresentable(ValueError):
    """A result holds a character its format cannot carry; the message names it and says what to ask for."""


def is_xml_media_type(media_type: str) -> bool:
    """Whether a Content-Type is one of the XML formats we send."""
    return media_type.split(";", 1)[0].strip().lower() in _XML_TYPES


def forbidden_in_xml(data: bytes) -> str | None:
    """The first code point XML 1.0 forbids in UTF-8 ``data``, as ``U+XXXX``; None when there is none."""
    found = _FORBIDDEN.search(data)
    if found is None:
        return None
    return f"U+{ord(found.group().decode('utf-8')):04X}"


def not_representable(code_point: str) -> NotRepresentable:
    """The error for a result holding ``code_point`` asked for in an XML format."""
    return NotRepresentable(
        f"the result holds the character {code_point}, which XML 1.0 cannot carry; ask for another format "
        "(SPARQL JSON, CSV or TSV for solutions; Turtle, N-Triples or JSON-LD for graphs)")


class XmlCheck:
    """Checks chunks of one XML body as they are written (a code point may straddle two chunks)."""

    def __init__(self) -> None:
        self._tail = b""

    def __call__(self, chunk: bytes) -> None:
        """Raise :class:`NotRepresentable` when the body so far holds a forbidden character."""
        data = self._tail + chunk
        found = forbidden_in_xml(data)
        if found:
            raise not_representable(found)
        self._tail = data[-2:]
