"""The derivation rules: one SPARQL CONSTRUCT per file in ``ontology/rules/``.

A rule file opens with a comment header: its first line is the rule's title,
the following comment lines say the rule in words. The rule's IRI is
``https://w3id.org/sahel-harm/ontology/rule/{file-stem}``.

>>> rule = parse_rule("x", "# Counts claims\\n#\\n# Every incident,\\n# counted.\\nCONSTRUCT {} WHERE {}")
>>> rule.title, rule.words, rule.iri
('Counts claims', 'Every incident, counted.', 'https://w3id.org/sahel-harm/ontology/rule/x')
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sahel_kg.namespaces import BASE, ENTITY_BASE, GRAPH_BASE, SHG
from sahel_kg.project import rule_paths

#: The named graph every build writes the derived summaries into (never a curated file).
DERIVED_GRAPH = GRAPH_BASE + "derived"
#: Rule IRIs are this plus the rule file's stem.
RULE_BASE = SHG + "rule/"
#: Build activities are this plus the first 16 hex digits of the inputs hash.
BUILD_BASE = ENTITY_BASE + "build/"
#: Summary nodes are this plus the incident's slug.
SUMMARY_BASE = ENTITY_BASE + "summary/"
#: The SKOS scheme of grades.
GRADE_SCHEME = BASE + "vocab/grade"


@dataclass(frozen=True)
class Rule:
    """One derivation rule: its file stem, IRI, title, words and SPARQL text."""

    stem: str
    title: str
    words: str
    sparql: str

    @property
    def iri(self) -> str:
        return RULE_BASE + self.stem


def parse_rule(stem: str, text: str) -> Rule:
    """A rule from its file's text: the header's first comment line is the title, the rest its words.

    Raises ValueError when the file does not open with a comment header, since a
    rule nobody can read in words may not be run.
    """
    header: list[str] = []
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        header.append(line.removeprefix("#").strip())
    if not header or not header[0]:
        raise ValueError(f"rule {stem}: the file must open with a '# title' comment line")
    words = " ".join(part for part in header[1:] if part)
    return Rule(stem=stem, title=header[0], words=words, sparql=text)


def load_rules(root: Path) -> list[Rule]:
    """Every rule of a project root, in file-name order."""
    return [parse_rule(path.stem, path.read_text(encoding="utf-8")) for path in rule_paths(root)]


def summary_iri(incident_iri: str) -> str:
    """The summary node's IRI for an incident IRI.

    >>> summary_iri("https://w3id.org/sahel-harm/id/incident/amassine-killings")
    'https://w3id.org/sahel-harm/id/summary/amassine-killings'
    """
    return SUMMARY_BASE + incident_iri.rsplit("/", 1)[-1]
