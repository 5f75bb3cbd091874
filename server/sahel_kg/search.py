"""Label search that ignores case and accents, from an index built once per app.

The index is read with one query (every rdfs:label, skos:prefLabel,
skos:altLabel and dcterms:title, with the subject's types) the first time
someone searches, and kept on ``app.state``.

>>> normalise("Ségou"), normalise("DEMBÉLÉ")
('segou', 'dembele')
>>> index = SearchIndex([Entry("http://e/a", "Ségou Region", "Ségou Region", "Place", True)])
>>> [hit.entry.iri for hit in index.search("segou")]
['http://e/a']
"""

from __future__ import annotations

import threading
import unicodedata
from dataclasses import dataclass

from .backend import GraphBackend
from .facts import DC_TITLE, RDFS_LABEL, SKOS_ALT, SKOS_PREF, lang_rank, rows
from .views import local_name

MAIN_LABELS = (RDFS_LABEL, SKOS_PREF, DC_TITLE)
_LOCK = threading.Lock()


def normalise(text: str) -> str:
    """Text without accents, case-folded, with runs of spaces made one."""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(stripped.casefold().split())


@dataclass(frozen=True)
class Entry:
    """One label of one resource."""

    iri: str
    text: str  # the label as written
    name: str  # the resource's main label
    kind: str  # its type's local name
    main: bool  # the label is the main one, not an alternative


@dataclass(frozen=True)
class Hit:
    """A search result: the entry that matched and how well."""

    entry: Entry
    score: int


class SearchIndex:
    """Normalised labels, searched by substring of every word."""

    def __init__(self, entries: list[Entry]) -> None:
        self.entries = [(normalise(e.text), e) for e in entries]

    def search(self, query: str, limit: int = 50) -> list[Hit]:
        """Resources with a label containing every word of ``query``, best first, one hit each."""
        words = normalise(query).split()
        if not words:
            return []
        best: dict[str, Hit] = {}
        whole = " ".join(words)
        for text, entry in self.entries:
            if all(w in text for w in words):
                score = (0 if text == whole else 1 if text.startswith(whole) else 2) * 2 + (0 if entry.main else 1)
                if entry.iri not in best or score < best[entry.iri].score:
                    best[entry.iri] = Hit(entry, score)
        return sorted(best.values(), key=lambda h: (h.score, normalise(h.entry.name)))[:limit]


INDEX_QUERY = f"""SELECT ?s ?p ?l ?type WHERE {{
  VALUES ?p {{ <{RDFS_LABEL}> <{SKOS_PREF}> <{SKOS_ALT}> <{DC_TITLE}> }}
  ?s ?p ?l . FILTER(isIRI(?s) && isLiteral(?l)) OPTIONAL {{ ?s a ?type }} }}"""


def build_index(backend: GraphBackend) -> SearchIndex:
    """The index of every label in the graph (one query)."""
    found = rows(backend, INDEX_QUERY)
    names: dict[str, tuple[int, str]] = {}
    kinds: dict[str, str] = {}
    for r in found:
        if r["p"] in MAIN_LABELS and (r["s"] not in names or 0 < names[r["s"]][0]):
            names[r["s"]] = (0, r["l"])
        if "type" in r and (r["s"] not in kinds or r["type"].startswith("https://w3id.org/sahel-harm/")):
            kinds[r["s"]] = local_name(r["type"])
    entries = {Entry(r["s"], r["l"], names.get(r["s"], (0, r["l"]))[1], kinds.get(r["s"], ""), r["p"] in MAIN_LABELS)
               for r in found}
    return SearchIndex(sorted(entries, key=lambda e: (e.iri, e.text)))


def index_for(state: object, backend: GraphBackend) -> SearchIndex:
    """The app's index, built on first use."""
    with _LOCK:
        index = getattr(state, "search_index", None)
        if index is None:
            index = build_index(backend)
            setattr(state, "search_index", index)
    return index


__all__ = ["Entry", "Hit", "SearchIndex", "build_index", "index_for", "lang_rank", "normalise"]
