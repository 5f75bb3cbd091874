"""Every sentence accounted for: each source's capture, sentence by sentence.

A curated source document is complete when every sentence of its captured
text is either *quoted* by one of its claims (a ``shg:quote`` whose
``oa:exact`` overlaps the sentence) or *marked* as carrying no claim: a Web
Annotation (https://www.w3.org/TR/annotation-model/) on the document that
classifies the passage with a concept of the passage-role scheme
(furniture, document metadata, editorial, background) and gives the
curator's reason::

    [] a oa:Annotation ;
        oa:motivatedBy oa:classifying ;
        oa:hasBody passage:furniture ;
        rdfs:comment "Sidebar of unrelated headlines."@en ;
        oa:hasTarget [ a oa:SpecificResource ; oa:hasSource source:slug ;
            oa:hasSelector [ a oa:TextQuoteSelector ; oa:exact "More News" ] ] .

A passage covers a sentence when they overlap by at least half of the
shorter of the two, so a clause quoted from a long sentence covers it, and a
quote that only runs into the first words of the next sentence does not.
A sentence counts as quoted or marked only when its passages together hold
at least a third of its characters (:data:`MIN_SHARE`): quoting one word of
a long sentence does not account for what the rest of it says.
Quotes are located everywhere they occur in the capture (a title repeated
above the article is covered twice); a selector's ``oa:prefix`` and
``oa:suffix``, when given, narrow that down as Web Annotation defines.

>>> [s.text for s in split_sentences("Gen. Diarra said “no.” Then he left.\\nMore News")]
['Gen. Diarra said “no.”', 'Then he left.', 'More News']

This module imports no web framework; ``sahel-kg coverage`` is its command.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS
from rdflib.term import IdentifiedNode, Node

from sahel_kg.curation.terms import OA, SHG
from sahel_kg.namespaces import ENTITY_BASE, PREFIXES
from sahel_kg.project import turtle_files
from sahel_kg.settings import settings_of

PROV_DERIVED = URIRef(PREFIXES["prov"] + "wasDerivedFrom")
#: Abbreviations after which a full stop does not end a sentence.
ABBREVIATIONS = ("Col.", "Maj.", "Gen.", "Lt.", "Capt.", "Sgt.", "Mr.", "Mrs.", "Ms.", "Dr.", "St.", "No.", "vs.", "e.g.", "i.e.")
#: A full stop, question or exclamation mark, with any closing quotes or brackets, before a space.
_END = re.compile(r"[.!?][\"”’)]*(?=\s)")
#: What may open the next sentence: a capital, a digit or an opening quote or bracket.
_OPENING = re.compile(r"\s*[A-Z0-9“\"‘(]")


@dataclass(frozen=True)
class Sentence:
    """One sentence of a capture: its 1-based number, character offsets and text."""

    index: int
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Passage:
    """A claim's quote or a passage mark: what it selects, and who or what it belongs to.

    ``owner`` is the claim (for a quote) or the passage role (for a mark), as a
    compact IRI; ``reason`` is the mark's reason.
    """

    kind: str  # "quote" or "mark"
    owner: str
    exact: str
    prefix: str = ""
    suffix: str = ""
    reason: str | None = None


#: The share of a sentence's characters its passages must hold together for it to count as accounted for.
MIN_SHARE = 1 / 3


@dataclass
class SentenceCoverage:
    """A sentence, the passages that cover it, and the share (0–1) of its characters they hold together.

    ``status`` is quoted, marked or unaccounted.
    """

    sentence: Sentence
    passages: list[Passage] = field(default_factory=list)
    share: float = 0.0

    @property
    def status(self) -> str:
        """``quoted`` when a claim quotes it, else ``marked`` when a mark covers it, else ``unaccounted``
        (also when its passages hold less than :data:`MIN_SHARE` of it)."""
        kinds = {p.kind for p in self.passages}
        if self.share < MIN_SHARE:
            return "unaccounted"
        return "quoted" if "quote" in kinds else "marked" if "mark" in kinds else "unaccounted"


@dataclass
class SourceCoverage:
    """One source document's sentences, and the passages not found in its capture."""

    source: str
    capture: str
    sentences: list[SentenceCoverage] = field(default_factory=list)
    not_found: list[Passage] = field(default_factory=list)
    error: str | None = None

    @property
    def unaccounted(self) -> list[SentenceCoverage]:
        """Sentences neither quoted nor marked."""
        return [s for s in self.sentences if s.status == "unaccounted"]

    @property
    def ok(self) -> bool:
        """True when the capture was read, every sentence is accounted for and every passage found."""
        return self.error is None and not self.unaccounted and not self.not_found


# ---------------------------------------------------------------- sentences


def _line_sentences(line: str) -> Iterable[tuple[int, int]]:
    """Offsets of the sentences of one line (a paragraph, a heading, a menu item)."""
    start = 0
    for end in _END.finditer(line):
        before = line[start:end.end()]
        if any(before.endswith(a) for a in ABBREVIATIONS) or not _OPENING.match(line, end.end()):
            continue
        yield start, end.end()
        start = end.end()
    yield start, len(line)


def split_sentences(text: str) -> list[Sentence]:
    """The sentences of ``text``: each non-blank line split at sentence ends.

    A full stop ends a sentence only before a space and a capital, digit or
    opening quote, and not after a title such as ``Gen.`` or ``Col. Maj.``.

    >>> [s.text for s in split_sentences("Col. Maj. Souleymane Dembélé said so.  It was 2020.\\n\\n  • Politics")]
    ['Col. Maj. Souleymane Dembélé said so.', 'It was 2020.', '• Politics']
    >>> len(split_sentences("knowledge and creativity.With a background in B.Sc, she writes."))
    1
    """
    sentences: list[Sentence] = []
    for line in re.finditer(r"[^\n]+", text):
        for a, b in _line_sentences(line.group()):
            raw = line.group()[a:b]
            stripped = raw.strip()
            if stripped:
                start = line.start() + a + (len(raw) - len(raw.lstrip()))
                sentences.append(Sentence(len(sentences) + 1, start, start + len(stripped), stripped))
    return sentences


# ---------------------------------------------------------------- passages


def locate(text: str, passage: Passage) -> list[tuple[int, int]]:
    """Every span of ``text`` the passage selects (empty when it is not there).

    >>> locate("ab ab", Passage("mark", "x", "ab")), locate("ab ab", Passage("mark", "x", "ab", suffix=" ab"))
    ([(0, 2), (3, 5)], [(0, 2)])
    """
    spans = []
    at = text.find(passage.exact)
    while at >= 0 and passage.exact:
        end = at + len(passage.exact)
        if text[:at].endswith(passage.prefix) and text[end:].startswith(passage.suffix):
            spans.append((at, end))
        at = text.find(passage.exact, at + 1)
    return spans


def covers(span: tuple[int, int], sentence: Sentence) -> bool:
    """True when the span overlaps the sentence by at least half of the shorter of the two.

    >>> s = Sentence(1, 10, 30, "x" * 20)
    >>> covers((12, 18), s), covers((25, 60), s), covers((0, 10), s)
    (True, False, False)
    """
    overlap = min(span[1], sentence.end) - max(span[0], sentence.start)
    return overlap > 0 and 2 * overlap >= min(span[1] - span[0], sentence.end - sentence.start)


def compact(iri: Node) -> str:
    """``prefix:name`` in the project's prefixes, else the IRI.

    >>> compact(URIRef("https://w3id.org/sahel-harm/id/claim/x"))
    'claim:x'
    """
    text = str(iri)
    for prefix, namespace in PREFIXES.items():
        if text.startswith(namespace) and "/" not in text[len(namespace):]:
            return f"{prefix}:{text[len(namespace):]}"
    return text


def _text(graph: Graph, node: Node, prop: URIRef) -> str:
    value = graph.value(node, prop)
    return str(value) if isinstance(value, Literal) else ""


def _selector_passage(graph: Graph, selector: Node, kind: str, owner: str, reason: str | None) -> Passage:
    return Passage(kind, owner, _text(graph, selector, OA.exact), _text(graph, selector, OA.prefix),
                   _text(graph, selector, OA.suffix), reason)


def quotes_of(graph: Graph, document: URIRef) -> list[Passage]:
    """The quotes of every claim derived from ``document``."""
    return [_selector_passage(graph, quote, "quote", compact(claim), None)
            for claim in sorted(c for c in graph.subjects(PROV_DERIVED, document) if isinstance(c, IdentifiedNode))
            for quote in graph.objects(claim, SHG.quote)]


def marks_of(graph: Graph, document: URIRef) -> list[Passage]:
    """The passages of ``document`` that Web Annotations mark, with their role and reason."""
    passages = []
    for target in graph.subjects(OA.hasSource, document):
        for annotation in graph.subjects(OA.hasTarget, target):
            role = compact(graph.value(annotation, OA.hasBody) or URIRef(""))
            reason = _text(graph, annotation, RDFS.comment)
            for selector in graph.objects(target, OA.hasSelector):
                passages.append(_selector_passage(graph, selector, "mark", role, reason))
    return passages


# ---------------------------------------------------------------- coverage


def source_coverage(graph: Graph, document: URIRef, capture: str, text: str) -> SourceCoverage:
    """How the passages of ``document``'s claims and marks cover the sentences of its capture ``text``."""
    result = SourceCoverage(compact(document), capture)
    result.sentences = [SentenceCoverage(s) for s in split_sentences(text)]
    held: dict[int, set[int]] = {}
    for passage in quotes_of(graph, document) + marks_of(graph, document):
        spans = locate(text, passage)
        if not spans:
            result.not_found.append(passage)
        for entry in result.sentences:
            s = entry.sentence
            touching = [span for span in spans if covers(span, s)]
            if touching:
                entry.passages.append(passage)
                chars = held.setdefault(s.index, set())
                for a, b in touching:
                    chars.update(range(max(a, s.start), min(b, s.end)))
    for entry in result.sentences:
        entry.share = len(held.get(entry.sentence.index, ())) / max(1, entry.sentence.end - entry.sentence.start)
    return result


def read_data(root: Path) -> Graph:
    """Every curated data file of the project (data/ttl/) in one graph."""
    graph = Graph()
    for f in turtle_files(root):
        if f.kind == "data":
            graph.parse(f.path, format="turtle")
    return graph


def documents(graph: Graph) -> dict[str, tuple[URIRef, str]]:
    """Source documents that name a capture file, by slug: ``{slug: (IRI, capture file)}``."""
    found = {}
    for document in graph.subjects(RDF.type, SHG.SourceDocument):
        capture = graph.value(document, SHG.captureFile)
        if isinstance(document, URIRef) and capture is not None:
            found[str(document).removeprefix(ENTITY_BASE + "source/")] = (document, str(capture))
    return dict(sorted(found.items()))


def coverage(root: Path, sources_dir: Path, slugs: Sequence[str] = ()) -> list[SourceCoverage]:
    """The coverage of the named source documents (all that name a capture when ``slugs`` is empty).

    Raises:
        KeyError: a slug names no source document with a capture file.
    """
    graph = read_data(root)
    known = documents(graph)
    wanted = [s.removeprefix("source:") for s in slugs] or list(known)
    missing = [s for s in wanted if s not in known]
    if missing:
        raise KeyError(f"no source document with a capture file: {', '.join(missing)}")
    results = []
    for slug in wanted:
        document, capture = known[slug]
        path = sources_dir / capture
        if not path.is_file():
            results.append(SourceCoverage(compact(document), capture, error=f"capture not found: {path}"))
            continue
        results.append(source_coverage(graph, document, capture, path.read_text(encoding="utf-8")))
    return results


# ---------------------------------------------------------------- reports


def _short(text: str, width: int = 100) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"


def _sentence_lines(entry: SentenceCoverage) -> list[str]:
    s = entry.sentence
    lines = [f"  {s.index:>3} {entry.status.upper() if entry.status == 'unaccounted' else entry.status:<11} {_short(s.text)}"]
    if entry.passages and entry.status == "unaccounted":
        lines.append(f"        only {entry.share:.0%} of it is quoted or marked (at least {MIN_SHARE:.0%} is needed)")
    for p in entry.passages:
        if p.kind == "quote":
            lines.append(f"        {p.owner}  “{_short(p.exact, 70)}”")
        else:
            lines.append(f"        {p.owner}: {_short(p.reason or '', 90)}")
    return lines


def to_text(results: Sequence[SourceCoverage]) -> str:
    """A report per source: each sentence with the claims quoting it or its mark, then a summary line."""
    lines: list[str] = []
    for r in results:
        lines.append(f"{r.source}  ({r.capture})")
        if r.error:
            lines += [f"  ERROR {r.error}", ""]
            continue
        for entry in r.sentences:
            lines += _sentence_lines(entry)
        for p in r.not_found:
            lines.append(f"  NOT IN CAPTURE  {p.owner}: “{_short(p.exact, 80)}” (copy it verbatim from {r.capture})")
        counts = {k: sum(1 for e in r.sentences if e.status == k) for k in ("quoted", "marked", "unaccounted")}
        lines += [f"  {len(r.sentences)} sentences: {counts['quoted']} quoted by claims, {counts['marked']} marked, "
                  f"{counts['unaccounted']} unaccounted", ""]
    bad = [r for r in results if not r.ok]
    lines.append("OK: every sentence is quoted by a claim or marked." if not bad else
                 f"{len(bad)} source(s) with unaccounted sentences or passages not in their capture: quote each "
                 "sentence from a claim, or mark it with an oa:Annotation (passage role and reason).")
    return "\n".join(lines)


def _passage_json(p: Passage) -> dict[str, str | None]:
    if p.kind == "quote":
        return {"claim": p.owner, "quote": p.exact}
    return {"role": p.owner, "reason": p.reason, "passage": p.exact}


def to_json(results: Sequence[SourceCoverage]) -> str:
    """The same report as JSON: ``{"ok": …, "sources": [{"source", "capture", "sentences": […]}]}``."""
    return json.dumps({"ok": all(r.ok for r in results), "sources": [{
        "source": r.source, "capture": r.capture, "error": r.error, "ok": r.ok,
        "not_in_capture": [_passage_json(p) for p in r.not_found],
        "sentences": [{
            "index": e.sentence.index, "start": e.sentence.start, "end": e.sentence.end, "text": e.sentence.text,
            "status": e.status, "share": round(e.share, 3),
            "claims": [_passage_json(p) for p in e.passages if p.kind == "quote"],
            "marks": [_passage_json(p) for p in e.passages if p.kind == "mark"],
        } for e in r.sentences],
    } for r in results]}, ensure_ascii=False, indent=2)


def run_coverage(args: argparse.Namespace) -> int:
    """The ``sahel-kg coverage`` command: 0 when every sentence is accounted for, 1 when not, 2 on bad input."""
    settings = settings_of(args)  # the root and the sources folder, as every command reads them
    try:
        results = coverage(settings.project_root, settings.sources_dir, getattr(args, "source", []) or [])
    except KeyError as e:
        print(e.args[0], file=sys.stderr)
        return 2
    print(to_json(results) if getattr(args, "format", "text") == "json" else to_text(results))
    if any(r.error for r in results):
        return 2
    return 0 if all(r.ok for r in results) else 1
