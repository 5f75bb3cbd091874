"""The Turtle reader that finds the lines ``validate`` reports: it reads what rdflib reads.

If it read a triple differently from rdflib, the report would lose that
triple's line; so it must give the same graph as rdflib for every Turtle file
of the project, and a line for every subject.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.compare import isomorphic

from sahel_kg.curation.literal_check import quiet_rdflib
from sahel_kg.curation.turtle_lines import LineIndex
from support.project_data import ROOT as CHECKOUT

FILES = sorted(p for folder in ("ontology", "shapes", "data", "tests") for p in (CHECKOUT / folder).rglob("*.ttl"))
assert FILES, f"no Turtle files under {CHECKOUT}"
EX = "http://example.org/"


def read_both(text: str) -> tuple[Graph, LineIndex]:
    with quiet_rdflib():
        return Graph().parse(data=text, format="turtle"), LineIndex.of_text(text)


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.relative_to(CHECKOUT).as_posix())
def test_every_project_file_is_read_as_rdflib_reads_it(path: Path) -> None:
    graph, index = read_both(path.read_text(encoding="utf-8"))
    assert isomorphic(graph, index.graph)
    assert [s for s in set(graph.subjects()) if index.subject_line(s, graph) is None] == []


SYNTAX = '''@prefix ex: <http://example.org/> .
@base <http://example.org/base/> .
# a comment with "quotes" and [brackets]
ex:a ex:long """two
lines""" ;   ex:escaped "tab\\there \\u00e9 \\"q\\"" ;
    ex:numbers 1 , -2.5 , 3e2 , "x"^^ex:type , 'single'@fr-CA ;
    ex:flag true ;
    ex:list ( ex:b "c" [ ex:d 1 ] ) ;
    ex:local ex:with.dot , ex:esc\\-aped ;
    ex:relative <thing> ;
    ex:label _:shared ; .
_:shared ex:again _:shared .
[] ex:top [ ex:nested [ ex:deep 4 ] ] .
'''


def test_the_rest_of_turtle_is_read_too() -> None:
    graph, index = read_both(SYNTAX)
    assert isomorphic(graph, index.graph)
    a = URIRef(EX + "a")
    assert index.subject_line(a) == 4
    assert index.triple_line(a, URIRef(EX + "escaped"), Literal('tab\there é "q"')) == 5
    assert index.triple_line(a, URIRef(EX + "flag"), Literal(True)) == 7
    assert index.triple_line(a, URIRef(EX + "relative"), URIRef(EX + "base/thing")) == 10
    deep = next(o for o in graph.objects() if isinstance(o, BNode) and (o, URIRef(EX + "deep"), None) in graph)
    assert index.subject_line(deep, graph) == 13


def test_a_file_the_reader_cannot_follow_gives_no_lines(tmp_path: Path) -> None:
    path = tmp_path / "odd.ttl"
    path.write_text("@prefix ex: <http://example.org/> .\nex:a ex:b ex:c ;; ex:d ?x .\n", encoding="utf-8")
    index = LineIndex.of_file(path)
    assert index.subject_line(URIRef(EX + "a")) is None and len(index.graph) == 0
