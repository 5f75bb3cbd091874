"""Quotes are the evidence: every quote occurs verbatim in its document's capture.

A claim's ``shg:quote [ oa:exact "…" ]`` and its ``shg:speakerWords`` must be
found, character for character (curly quotes, dashes and spaces included),
in the captured text of the source document the claim is
``prov:wasDerivedFrom``: the file that document's ``shg:captureFile`` names,
in the sources folder (the ``SAHEL_KG_SOURCES`` setting, by default
``../shared/sources`` beside the checkout). A quote that is not found is
reported with the nearest passage of the capture and the first character
where they differ; a capture that is missing is reported with the path where
it was expected. Comparing text with files is beyond SHACL, hence Python.

Web Annotation's ``oa:exact`` is "a copy of the text which is being
selected" (https://www.w3.org/TR/annotation-model/#text-quote-selector).

>>> nearest_passage('he said "no"', "Then he said “no” and left.")
('he said “no”', 5)
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein
from rdflib import Graph, Literal, URIRef
from rdflib.term import Node

from sahel_kg.curation.terms import OA, SHG
from sahel_kg.namespaces import PREFIXES

PROV_DERIVED = URIRef(PREFIXES["prov"] + "wasDerivedFrom")
#: Longest nearest passage shown in a report.
SHOWN = 400


@dataclass(frozen=True)
class QuoteProblem:
    """One finding: ``node`` and ``path`` say where, ``value`` what, ``message`` why and how to fix it."""

    node: Node
    path: URIRef
    value: Node
    message: str


@dataclass
class Captures:
    """The captured texts in ``folder``, each read once; ``None`` for one that cannot be read."""

    folder: Path
    texts: dict[str, str | None] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)

    def text(self, name: str) -> str | None:
        """The text of capture ``name``, or None (the reason is then in ``errors``)."""
        if name not in self.texts:
            self.texts[name] = self._read(name)
        return self.texts[name]

    def _read(self, name: str) -> str | None:
        if Path(name).name != name or name in ("", ".", ".."):
            self.errors[name] = "is a path; shg:captureFile holds only a file name in the sources folder"
            return None
        path = self.folder / name
        try:
            return path.read_text(encoding="utf-8")
        except FileNotFoundError:
            self.errors[name] = f"was not found: the capture is expected at {path}"
        except (OSError, UnicodeDecodeError) as exc:
            self.errors[name] = f"cannot be read as UTF-8 text at {path} ({exc})"
        return None


def nearest_passage(quote: str, text: str) -> tuple[str, int]:
    """The passage of ``text`` most alike ``quote``, and the index where it starts.

    rapidfuzz finds where the quote aligns best; the passage is then the
    window around there, of about the quote's length, that is the fewest edits
    from it (so a straightened opening quote mark is shown, not cut off).
    """
    alignment = fuzz.partial_ratio_alignment(quote, text)
    if alignment is None or alignment.dest_end <= alignment.dest_start:
        return "", 0
    reach = max(2, len(quote) // 20)
    windows = ((start, start + length) for start in range(max(0, alignment.dest_start - reach), alignment.dest_start + reach + 1)
               for length in range(max(1, len(quote) - reach), len(quote) + reach + 1))
    start, end = min(windows, key=lambda w: (Levenshtein.distance(quote, text[w[0]:w[1]]), abs(w[1] - w[0] - len(quote))))
    return text[start:end], start


def first_difference(quote: str, passage: str) -> int:
    """Index of the first character where ``quote`` and ``passage`` differ.

    >>> first_difference("abc", "abd"), first_difference("ab", "abc")
    (2, 2)
    """
    return next((i for i, (a, b) in enumerate(zip(quote, passage)) if a != b), min(len(quote), len(passage)))


def not_found_message(quote: str, capture: str, text: str) -> str:
    """Why a quote is not verbatim in its capture, with the nearest passage and what differs."""
    passage, _start = nearest_passage(quote, text)
    where = f"not found verbatim in {capture}"
    if not passage:
        return f"{where}; copy the passage from the capture exactly, curly quotes included."
    at = first_difference(quote, passage)
    theirs = repr(passage[at]) if at < len(passage) else "the end of the passage"
    ours = repr(quote[at]) if at < len(quote) else "the end of the quote"
    shown = passage if len(passage) <= SHOWN else passage[:SHOWN] + "…"
    return (f"{where}. Nearest passage: \"{shown}\" — the first difference is at character {at + 1}, "
            f"where the capture has {theirs} and the quote {ours}. Copy the passage exactly, curly quotes included.")


def capture_problems(data: Graph, captures: Captures) -> Iterator[QuoteProblem]:
    """A missing or unreadable capture, at each source document that names it."""
    for document, name in data.subject_objects(SHG.captureFile):
        if isinstance(name, Literal) and captures.text(str(name)) is None:
            yield QuoteProblem(document, SHG.captureFile, name,
                               f"capture file {str(name)!r} {captures.errors[str(name)]} "
                               f"(the sources folder is the SAHEL_KG_SOURCES setting).")


def quote_problems(data: Graph, captures: Captures) -> Iterator[QuoteProblem]:
    """Each quote or speaker's words of a claim that is not verbatim in its document's capture.

    Claims are whatever carries a quote, typed shg:Claim or not (a class typo
    must not take a claim's quotes out of the check).
    """
    for claim in set(data.subjects(SHG.quote, None)) | set(data.subjects(SHG.speakerWords, None)):
        name = _capture_of(data, claim)
        text = captures.text(name) if name else None
        if name is None or text is None:
            continue  # no document, or its capture is missing: reported at the document
        for node, path, value in _quoted(data, claim):
            if str(value) not in text:
                yield QuoteProblem(node, path, value, not_found_message(str(value), name, text))


def _capture_of(data: Graph, claim: Node) -> str | None:
    documents = set(data.objects(claim, PROV_DERIVED))
    if len(documents) != 1:
        return None  # shapes:ClaimDerivedFrom reports it
    name = data.value(documents.pop(), SHG.captureFile)
    return str(name) if isinstance(name, Literal) else None


def _quoted(data: Graph, claim: Node) -> Iterator[tuple[Node, URIRef, Node]]:
    for quote in data.objects(claim, SHG.quote):
        for exact in data.objects(quote, OA.exact):
            if isinstance(exact, Literal):
                yield quote, OA.exact, exact
    for words in data.objects(claim, SHG.speakerWords):
        if isinstance(words, Literal):
            yield claim, SHG.speakerWords, words
