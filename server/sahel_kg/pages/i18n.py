"""The interface's words in the reader's language: gettext catalogues read from the committed ``.po`` files.

Messages are English in the code and templates (``_("…")`` in Python, ``{{ _("…") }}``
and ``{% trans %}`` in templates); ``locale/messages.pot`` lists them and
``locale/<lang>/LC_MESSAGES/messages.po`` translates them. ``make messages``
extracts the template and Python strings again and updates the ``.po`` files
(``babel.cfg`` says where to look). The ``.po`` files are compiled in memory
the first time a language is used, so a fresh clone needs no build step and
no ``.mo`` file is committed.

The language is the response's (:func:`sahel_kg.languages.current`); outside a
request it is English, and every message is its own translation.

>>> from sahel_kg.languages import answering_in
>>> with answering_in("fr"):
...     gettext("Search"), ngettext("%(num)d other figure", "%(num)d other figures", 2) % {"num": 2}
('Rechercher', '2 autres chiffres')
>>> gettext("Search")
'Search'
"""

from __future__ import annotations

import functools
import gettext as stdlib_gettext
import io
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from sahel_kg.languages import DEFAULT, LANGUAGES, current

#: Where the catalogues live: ``messages.pot`` and one ``<lang>/LC_MESSAGES/messages.po`` per language.
LOCALE_DIR = Path(__file__).parent / "locale"
DOMAIN = "messages"


def po_path(lang: str) -> Path:
    """The ``.po`` file of a language."""
    return LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


@functools.cache
def translations(lang: str) -> stdlib_gettext.NullTranslations:
    """The compiled catalogue of ``lang`` (read and compiled once); English and unknown languages: none.

    Fuzzy entries are left out, as ``msgfmt`` leaves them out: a guess is not a translation.
    """
    path = po_path(lang)
    if lang == DEFAULT or lang not in LANGUAGES or not path.exists():
        return stdlib_gettext.NullTranslations()
    with path.open("rb") as handle:
        catalog = read_po(handle, locale=lang)
    compiled = io.BytesIO()
    write_mo(compiled, catalog, use_fuzzy=False)
    compiled.seek(0)
    return stdlib_gettext.GNUTranslations(compiled)


def gettext(message: str) -> str:
    """``message`` in the response's language (itself where no translation is known)."""
    return translations(current()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The singular or plural form for ``n``, in the response's language."""
    return translations(current()).ngettext(singular, plural, n)


def pgettext(context: str, message: str) -> str:
    """``message`` in the response's language, told apart from the same English words by ``context``."""
    return translations(current()).pgettext(context, message)


_ = gettext


def N_(message: str) -> str:
    """Mark ``message`` for the catalogue without translating it now (module constants, translated when shown)."""
    return message
