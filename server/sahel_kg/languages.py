"""The interface languages, the one a request is answered in, and how it was chosen.

A page is written in English or French. The reader chooses by the ``lang``
query parameter (the switch on every page sets it) or, without one, by the
``Accept-Language`` header (RFC 9110 §12.5.4: the highest-weighted tag whose
primary subtag we have; ``q=0`` refuses). The edge middleware sets the choice
for the request (:func:`answering_in`); labels (:mod:`sahel_kg.labels`),
templates and view builders read it with :func:`current`. A choice made by
``?lang=`` is *explicit*: the pages keep it in their links, since a browser
would not repeat it; one made from the header needs no such help.

>>> negotiate("fr", None)[:2], negotiate(None, "fr-ML,fr;q=0.9,en;q=0.8")[:2], negotiate(None, "de, en;q=0.5")[:2]
(('fr', True), ('fr', False), ('en', False))
>>> negotiate(None, "fr;q=0, *")[:2], negotiate("xx", "fr").lang, negotiate(None, None).lang
(('en', False), 'fr', 'en')
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import NamedTuple

#: The interface languages (BCP 47 primary tags), the default first.
LANGUAGES = ("en", "fr")
DEFAULT = LANGUAGES[0]
#: The name of each language in itself, for the switch.
NATIVE_NAMES = {"en": "English", "fr": "Français"}


class Choice(NamedTuple):
    """The language a response is written in, and whether the reader asked for it by ``?lang=``.

    ``here``: the page asked for (path and query, ``lang`` left out), for the language switch;
    ``site``: the public base URL, to tell the site's own absolute links from others.
    """

    lang: str
    explicit: bool
    here: str = "/"
    site: str = ""


_CURRENT: ContextVar[Choice] = ContextVar("sahel_kg_language", default=Choice(DEFAULT, False))


def _weighted(accept_language: str) -> list[tuple[float, int, str]]:
    """The primary subtags of an Accept-Language header with their weights, best first (ties: header order)."""
    found = []
    for n, item in enumerate(accept_language.split(",")):
        tag, _, params = item.strip().partition(";")
        weight = 1.0
        for param in params.split(";"):
            key, _, value = param.strip().partition("=")
            if key.strip().lower() == "q":
                try:
                    weight = float(value)
                except ValueError:
                    weight = 0.0
        if tag.strip():
            found.append((-weight, n, tag.strip().lower().split("-")[0]))
    return sorted(found)


def negotiate(asked: str | None, accept_language: str | None) -> Choice:
    """The language to answer in: ``asked`` (a ``?lang=`` value) if we have it, else the header's best, else English."""
    primary = (asked or "").strip().lower().replace("_", "-").split("-")[0]  # ?lang=fr-FR asks for French too
    if primary in LANGUAGES:
        return Choice(primary, True)
    for weight, _, tag in _weighted(accept_language or ""):
        if weight >= 0:  # q=0 means "not this one"
            break
        if tag in LANGUAGES:
            return Choice(tag, False)
        if tag == "*":
            break
    return Choice(DEFAULT, False)


def current() -> str:
    """The language of the response being written (English outside a request)."""
    return _CURRENT.get().lang


def current_choice() -> Choice:
    """The language of the response being written and whether it was asked for by ``?lang=``."""
    return _CURRENT.get()


@contextmanager
def answering_in(choice: Choice | str) -> Iterator[None]:
    """Write everything inside the block in ``choice`` (a :class:`Choice`, or a language as if asked for)."""
    token = _CURRENT.set(choice if isinstance(choice, Choice) else Choice(choice, True))
    try:
        yield
    finally:
        _CURRENT.reset(token)
