"""Canonical Turtle: one way to write each graph, so diffs show only real changes.

The canonical form is rdflib's ``longturtle`` serialization with the
project's prefixes bound (only those used are written). On its own that
output is not stable: blank nodes are sorted and labelled by the random
identifiers the parser gave them, so the order of two counts on one claim,
or the label of a blank node used twice, can change from run to run. Before
serializing, blank nodes are therefore renamed after the graph's canonical
labelling (RDF graph canonicalization, RGDA1), which depends only on the
graph's content. The result is deterministic and idempotent: formatting
canonical Turtle gives it back unchanged.

Formatting works on the parsed graph, so it **drops comments** and any
layout of the original. Keep explanations that must survive in the data as
``rdfs:comment`` triples, not ``#`` comments.

>>> text = '''@prefix shg: <https://w3id.org/sahel-harm/ontology/> .
... <https://w3id.org/sahel-harm/id/claim/a> shg:count [ shg:low 3 ], [ shg:low 2 ] .'''
>>> print(format_turtle(text))
PREFIX claim: <https://w3id.org/sahel-harm/id/claim/>
PREFIX shg: <https://w3id.org/sahel-harm/ontology/>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
<BLANKLINE>
claim:a
    shg:count
        [
            shg:low 3 ;
        ] ,
        [
            shg:low 2 ;
        ] ;
.
<BLANKLINE>
>>> format_turtle(format_turtle(text)) == format_turtle(text)
True
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from rdflib import BNode, Graph
from rdflib.compare import to_canonical_graph
from rdflib.term import Node

from sahel_kg.curation.literal_check import ill_typed_triples, message_for, quiet_rdflib
from sahel_kg.namespaces import PREFIXES


def _bound_graph() -> Graph:
    graph = Graph(bind_namespaces="none")
    for prefix, iri in PREFIXES.items():
        graph.bind(prefix, iri, override=True, replace=True)
    return graph


def canonical_graph(graph: Graph) -> Graph:
    """A copy of ``graph`` whose blank nodes are named ``b1``, ``b2``… by canonical order."""
    canonical = to_canonical_graph(graph)
    bnodes = sorted({t for triple in canonical for t in triple if isinstance(t, BNode)}, key=str)
    width = len(str(len(bnodes)))
    names: dict[Node, Node] = {b: BNode(f"b{i:0{width}d}") for i, b in enumerate(bnodes, start=1)}
    result = _bound_graph()
    for s, p, o in canonical:
        result.add((names.get(s, s), p, names.get(o, o)))
    return result


def _tidy(text: str) -> str:
    """Remove the trailing blanks rdflib leaves after a predicate that opens a blank node.

    Only lines ending in a predicate followed by one space are touched, so
    multi-line string literals keep their content.

    >>> _tidy("ex:a\\n    shg:count \\n        [")
    'ex:a\\n    shg:count\\n        ['
    """
    lines = text.split("\n")
    for i, line in enumerate(lines[:-1]):
        if line.endswith(" ") and lines[i + 1].lstrip().startswith(("[", "(")) and not line.endswith("  "):
            lines[i] = line.rstrip(" ")
    return "\n".join(lines)


def format_graph(graph: Graph) -> str:
    """The canonical Turtle text of a graph."""
    return _tidy(canonical_graph(graph).serialize(format="longturtle"))


class IllTypedValue(ValueError):
    """A literal whose text is not of its datatype: formatting could rewrite it, so it does not."""


def format_turtle(text: str) -> str:
    """The canonical form of a Turtle document.

    Raises ``SyntaxError`` if it is not Turtle, and :class:`IllTypedValue` if a
    value is not of its datatype (rdflib would rewrite ``"yes"^^xsd:boolean``
    as ``false``: formatting must never change what a file says).

    >>> format_turtle('<urn:a> <urn:b> "many"^^<http://www.w3.org/2001/XMLSchema#integer> .')
    Traceback (most recent call last):
    ...
    sahel_kg.curation.fmt.IllTypedValue: "many" is not a valid xsd:integer: write a whole number without quotes, e.g. 60.
    """
    graph = Graph(bind_namespaces="none")
    with quiet_rdflib():
        graph.parse(data=text, format="turtle")
    for _s, _p, value in ill_typed_triples(graph):
        raise IllTypedValue(message_for(value))
    with quiet_rdflib():
        return format_graph(graph)


def is_canonical(text: str) -> bool:
    """True when ``text`` is already in canonical form.

    >>> is_canonical("<http://e/a> <http://e/b> 1 .")
    False
    >>> is_canonical(format_turtle("<http://e/a> <http://e/b> 1 ."))
    True
    """
    return format_turtle(text) == text


def default_files(root: Path) -> list[Path]:
    """The files ``fmt`` works on when none are named: the curated data under ``data/ttl/``.

    The ontology, vocabularies and shapes are hand-written with comments that
    formatting would drop, so they are formatted only when named explicitly.
    What ``sahel-kg import`` writes (``data/ttl/imports/<dataset>/``) is left
    out: the import writes it the same way every time, and rewriting it would
    make the next import see every file as changed. The curators'
    ``data/ttl/imports/confirmed-matches.ttl`` is formatted like the rest.
    """
    imports = root / "data" / "ttl" / "imports"
    return sorted(p for p in (root / "data" / "ttl").rglob("*.ttl")
                  if not (p.is_relative_to(imports) and p.parent != imports))


def _describe_error(path: Path, exc: Exception) -> str:
    line = getattr(exc, "lines", None)
    where = f"{shown(path)}:{line + 1}" if isinstance(line, int) else shown(path)
    if isinstance(exc, IllTypedValue):
        return f"{where}: cannot format, the file is unchanged: {exc}"
    return f"{where}: cannot format, not valid Turtle: {getattr(exc, '_why', None) or exc}"


def shown(path: Path) -> str:
    """A path as the user can type it: relative to the working directory when inside it.

    >>> shown(Path.cwd() / "data" / "x.ttl")
    'data/x.ttl'
    """
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return str(path)


def check_message(paths: Sequence[Path], *, command: str | None = None) -> str:
    """What ``fmt --check`` prints when files are not canonical: which, and how to fix it, naming the
    command as it can be run from here (``command``; by default :func:`~sahel_kg.command_name.command_name`,
    ``.venv/bin/sahel-kg`` from a checkout whose environment is not activated).

    >>> print(check_message([Path("data/ttl/events.ttl")], command=".venv/bin/sahel-kg"))
    1 Turtle file is not in canonical form:
      data/ttl/events.ttl
    Fix it by running:
      .venv/bin/sahel-kg fmt data/ttl/events.ttl
    (or `.venv/bin/sahel-kg fmt` to rewrite every file under data/ttl/). Formatting drops # comments; keep notes as rdfs:comment.
    """
    from sahel_kg.command_name import command_name

    command = command or command_name()
    noun, them = ("file is", "it") if len(paths) == 1 else ("files are", "them")
    listed = "\n".join(f"  {shown(p)}" for p in paths)
    fix = f"{command} fmt " + " ".join(shown(p) for p in paths)
    return (
        f"{len(paths)} Turtle {noun} not in canonical form:\n{listed}\n"
        f"Fix {them} by running:\n  {fix}\n"
        f"(or `{command} fmt` to rewrite every file under data/ttl/). "
        "Formatting drops # comments; keep notes as rdfs:comment."
    )


def run_fmt(args: argparse.Namespace) -> int:
    """The ``sahel-kg fmt`` command.

    Rewrites each file in canonical form, or with ``--check`` only lists the
    files that are not canonical. Exit 0 when all is well, 1 when ``--check``
    found files to format, 2 when a file is unreadable or not Turtle.
    Formatting drops comments.
    """
    from sahel_kg.settings import settings_of

    root = settings_of(args).project_root
    paths = list(args.files) if args.files else default_files(root)
    unformatted: list[Path] = []
    broken = False
    for path in paths:
        try:
            text = path.read_text(encoding="utf-8")
            canonical = format_turtle(text)
        except Exception as exc:  # unreadable file or Turtle syntax error
            print(_describe_error(path, exc), file=sys.stderr)
            broken = True
            continue
        if canonical == text:
            continue
        unformatted.append(path)
        if not args.check:
            path.write_text(canonical, encoding="utf-8")
            print(f"formatted {shown(path)}")
    if args.check and unformatted:
        print(check_message(unformatted), file=sys.stderr)
        return 2 if broken else 1
    return 2 if broken else 0
