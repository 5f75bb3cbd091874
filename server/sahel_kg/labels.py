"""The one label rule: which property and language name a thing, as plain strings.

Pages, results tables and the search index all choose a label this way: the
best language first (the reader's language, then English, then untagged, then
any), then the property (``rdfs:label``, ``skos:prefLabel``, ``dcterms:title``),
then the text. The reader's language is the one the response is written in
(:func:`sahel_kg.languages.current`): a French page shows a concept's ``@fr``
label where the data has one, and the English one otherwise.
"""

from __future__ import annotations

from collections.abc import Iterable

from sahel_kg.languages import DEFAULT, current
from sahel_kg.namespaces import PREFIXES

RDF_TYPE = PREFIXES["rdf"] + "type"
RDFS_LABEL = PREFIXES["rdfs"] + "label"
SKOS_PREF = PREFIXES["skos"] + "prefLabel"
SKOS_ALT = PREFIXES["skos"] + "altLabel"
DC_TITLE = PREFIXES["dcterms"] + "title"
LABEL_PATH = f"<{RDFS_LABEL}>|<{SKOS_PREF}>|<{DC_TITLE}>"


def lang_rank(lang: str | None, prefer: str | None = None) -> int:
    """How much a label in this language is preferred (lower is better), for a reader of ``prefer``
    (by default the language of the response being written).

    >>> [lang_rank(x, "en") for x in ("en", None, "fr")]
    [0, 1, 2]
    >>> [lang_rank(x, "fr") for x in ("fr", "en", None, "de")]
    [0, 1, 2, 3]
    """
    reader = prefer or current()
    if reader == DEFAULT:
        return {DEFAULT: 0, None: 1, "": 1}.get(lang, 2)
    return {reader: 0, DEFAULT: 1, None: 2, "": 2}.get(lang, 3)


def label_optional(subject: str, var: str, prop: str = RDFS_LABEL, prefer: str | None = None) -> str:
    """A SPARQL pattern binding ``?var`` to ``subject``'s label by ``prop`` in the reader's language, else English
    or untagged (unbound when it has neither); for queries that read labels themselves.

    An OPTIONAL per language, best first: the later ones only fill ``?var`` when the earlier left it unbound.

    >>> label_optional("?s", "l", prefer="en")
    "OPTIONAL { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?l FILTER(LANG(?l) IN ('en', '')) }"
    >>> label_optional("?s", "l", prefer="fr").count("OPTIONAL")
    2
    """
    reader = prefer or current()
    fallback = f"OPTIONAL {{ {subject} <{prop}> ?{var} FILTER(LANG(?{var}) IN ('{DEFAULT}', '')) }}"
    if reader == DEFAULT:
        return fallback
    return f"OPTIONAL {{ {subject} <{prop}> ?{var} FILTER(LANG(?{var}) = '{reader}') }} {fallback}"


#: The label properties, most preferred first (for :attr:`Resource.label` and :func:`best_label`).
LABEL_PROPS = (RDFS_LABEL, SKOS_PREF, DC_TITLE)
#: A label and the rank of its language (see :func:`lang_rank`).
Label = tuple[str, int]


def best_label(found: Iterable[tuple[str, str, str | None]], prefer: str | None = None) -> Label | None:
    """The label to show among (property, text, language) triples: best language, then property, then text.

    >>> best_label([(SKOS_PREF, "Mali", "en"), (RDFS_LABEL, "Mali (fr)", "fr"), (DC_TITLE, "M", None)])
    ('Mali', 0)
    >>> best_label([(SKOS_PREF, "killed", "en"), (SKOS_PREF, "tués", "fr")], prefer="fr")
    ('tués', 0)
    >>> best_label([]) is None
    True
    """
    ranked = [(lang_rank(lang, prefer), LABEL_PROPS.index(prop), text) for prop, text, lang in found if prop in LABEL_PROPS]
    if not ranked:
        return None
    rank, _, text = min(ranked)
    return text, rank
