"""One URI per resource: a path spelled with needless or reserved percent-encodings is not ours.

The server's routes see the decoded path, so ``/id%2Fplace%2Fgao`` and
``/id/place/ga%6F`` would both reach ``/id/place/gao``. Under RFC 3986 they
are not all the same URI:

- an encoded *unreserved* character (``ALPHA DIGIT - . _ ~``, §2.3) is the
  same URI as the character itself (§6.2.2.2), so the request is redirected
  (301) to the normalized spelling, query string kept;
- an encoded *reserved* character (``%2F`` for ``/``, ``%3A`` for ``:``, …,
  §2.2) names another resource: no such path exists here, 404.

Other encodings (a space, non-ASCII) reach the routes, which find no such
slug. Hex digits' case does not matter (``%2f`` is ``%2F``, §6.2.2.1).

>>> canonical_answer(b"/id/place/ga%6F", b"")
(301, '/id/place/gao')
>>> canonical_answer(b"/id%2Fplace%2fgao", b"")[0]
404
>>> canonical_answer(b"/search", b"q=%2F") is None
True
>>> canonical_answer(b"/id/place/%2e%2e/kidal", b"") is None
True
"""

from __future__ import annotations

import re

from sahel_kg.pages.i18n import _

_ESCAPE = re.compile(rb"%([0-9A-Fa-f]{2})")
_UNRESERVED = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
_RESERVED = frozenset(b":/?#[]@!$&'()*+,;=")


def canonical_answer(raw_path: bytes, query_string: bytes) -> tuple[int, str] | None:
    """(301, the canonical path) or (404, why) for a non-canonical path; None for a canonical one."""
    if b"%" not in raw_path:
        return None
    codes = [int(m.group(1), 16) for m in _ESCAPE.finditer(raw_path)]
    reserved = sorted({chr(c) for c in codes if c in _RESERVED})
    if reserved:
        encoded = ", ".join(f"%{ord(c):02X} ({c})" for c in reserved)
        return 404, _("no resource has this path: an encoded reserved character (%(encoded)s) is not the "
                      "character itself (RFC 3986 §2.2); write it unencoded") % {"encoded": encoded}
    if not any(c in _UNRESERVED for c in codes):
        return None
    path = _ESCAPE.sub(lambda m: _decode_unreserved(m), raw_path).decode("ascii", "replace")
    if any(segment in (".", "..") for segment in path.split("/")):
        return None  # dot segments are refused by the routes, encoded or not
    return 301, path + ("?" + query_string.decode("latin-1") if query_string else "")


def _decode_unreserved(match: re.Match[bytes]) -> bytes:
    code = int(match.group(1), 16)
    return bytes([code]) if code in _UNRESERVED else b"%" + match.group(1).upper()
