"""The one label rule: which property and language name a thing, as plain strings.

Pages, results tables and the search index all choose a label this way: the
best language first (English, then untagged, then any), then the property
(``rdfs:label``, ``skos:prefLabel``, ``dcterms:title``), then the text.
"""

from __future__ import annotations

from collections.abc import Iterable

from sahel_kg.namespaces import PREFIXES

RDF_TYPE = PREFIXES["rdf"] + "type"
RDFS_LABEL = PREFIXES["rdfs"] + "label"
SKOS_PREF = PREFIXES["skos"] + "prefLabel"
SKOS_ALT = PREFIXES["skos"] + "altLabel"
DC_TITLE = PREFIXES["dcterms"] + "title"
LABEL_PATH = f"<{RDFS_LABEL}>|<{SKOS_PREF}>|<{DC_TITLE}>"


def lang_rank(lang: str | None) -> int:
    """How much a label in this language is preferred (lower is better).

    >>> [lang_rank(x) for x in ("en", None, "fr")]
    [0, 1, 2]
    """
    return {"en": 0, None: 1, "": 1}.get(lang, 2)


#: The label properties, most preferred first (for :attr:`Resource.label` and :func:`best_label`).
LABEL_PROPS = (RDFS_LABEL, SKOS_PREF, DC_TITLE)
#: A label and the rank of its language (see :func:`lang_rank`).
Label = tuple[str, int]


def best_label(found: Iterable[tuple[str, str, str | None]]) -> Label | None:
    """The label to show among (property, text, language) triples: best language, then property, then text.

    >>> best_label([(SKOS_PREF, "Mali", "en"), (RDFS_LABEL, "Mali (fr)", "fr"), (DC_TITLE, "M", None)])
    ('Mali', 0)
    >>> best_label([]) is None
    True
    """
    ranked = [(lang_rank(lang), LABEL_PROPS.index(prop), text) for prop, text, lang in found if prop in LABEL_PROPS]
    if not ranked:
        return None
    rank, _, text = min(ranked)
    return text, rank
