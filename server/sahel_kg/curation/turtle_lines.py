"""Where each node and each triple of a Turtle file is written: the lines a report points at.

rdflib gives no positions, so ``validate`` reads each file that has a problem
a second time with this small Turtle reader, which records, for every
subject, the line its block starts on (the subject, or the ``[`` of a blank
node), and for every triple the line its object is written on. Blank nodes
have no name to look them up by: each is known by what it holds and what
points at it (:func:`node_key`), which is the same whether the graph was read
by rdflib, in blocks, or here. A file this reader cannot follow gives no
lines, never an error: the report then names the file and node only.

>>> index = LineIndex.of_text('''PREFIX ex: <http://example.org/>
... ex:a ex:label "A" ;
...     ex:count [ ex:low 3 ] .
... ''')
>>> index.subject_line(URIRef("http://example.org/a"))
2
>>> index.triple_line(URIRef("http://example.org/a"), URIRef("http://example.org/label"), Literal("A"))
2
>>> count = next(iter(index.graph.objects(URIRef("http://example.org/a"), URIRef("http://example.org/count"))))
>>> low = URIRef("http://example.org/low")
>>> index.subject_line(count, index.graph), index.triple_line(count, low, Literal(3), index.graph)
(3, 3)
"""

from __future__ import annotations

import re
from collections.abc import Hashable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF
from rdflib.term import Node

#: XML Schema datatypes (a plain Namespace: rdflib's closed XSD warns when pytest's doctest finder probes it).
XSD = Namespace("http://www.w3.org/2001/XMLSchema#")

#: One token of Turtle (the first group that matches names its kind), whitespace and comments apart.
_TOKEN = re.compile(r"""
    (?P<space>[ \t\r\n]+|\#[^\n]*)
  | (?P<long>\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"|'''(?:[^'\\]|\\.|'(?!''))*''')
  | (?P<string>"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<datatype>\^\^)
  | (?P<lang>@[A-Za-z]+(?:-[A-Za-z0-9]+)*)
  | (?P<double>[+-]?(?:[0-9]+\.[0-9]*[eE][+-]?[0-9]+|\.[0-9]+[eE][+-]?[0-9]+|[0-9]+[eE][+-]?[0-9]+))
  | (?P<decimal>[+-]?[0-9]*\.[0-9]+)
  | (?P<integer>[+-]?[0-9]+)
  | (?P<bnode>_:[\w](?:[\w.-]*[\w-])?)
  | (?P<pname>(?:[^\W\d_](?:[\w.-]*[\w-])?)?:(?:(?:[\w:%-]|\\[_~.!$&'()*+,;=/?\#@%-])(?:(?:[\w.:%-]|\\[_~.!$&'()*+,;=/?\#@%-])*(?:[\w:%-]|\\[_~.!$&'()*+,;=/?\#@%-]))?)?)
  | (?P<word>[A-Za-z]+)
  | (?P<punct>[\[\]();,.])
""", re.VERBOSE)
_ESCAPES = {"t": "\t", "b": "\b", "n": "\n", "r": "\r", "f": "\f", '"': '"', "'": "'", "\\": "\\"}
_UNESCAPE = re.compile(r"\\(?:u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8})|(.))", re.S)


class TurtleNotFollowed(ValueError):
    """The reader met something it does not follow (the file then gets no lines)."""


@dataclass(frozen=True)
class _Token:
    kind: str
    text: str
    line: int


def _tokens(text: str) -> Iterator[_Token]:
    line, at = 1, 0
    while at < len(text):
        match = _TOKEN.match(text, at)
        if match is None:
            raise TurtleNotFollowed(f"line {line}: unexpected {text[at:at + 10]!r}")
        kind = match.lastgroup or ""
        if kind != "space":
            yield _Token(kind, match.group(), line)
        line += match.group().count("\n")
        at = match.end()


def _unescape(text: str) -> str:
    def one(m: re.Match[str]) -> str:
        code = m.group(1) or m.group(2)
        return chr(int(code, 16)) if code else _ESCAPES.get(m.group(3), m.group(3))
    return _UNESCAPE.sub(one, text)


@dataclass
class _Reader:
    """A recursive-descent reader over the tokens, recording lines as it makes triples."""

    tokens: list[_Token]
    at: int = 0
    prefixes: dict[str, str] = field(default_factory=dict)
    base: str = ""
    labels: dict[str, BNode] = field(default_factory=dict)
    triples: list[tuple[Node, URIRef, Node, int]] = field(default_factory=list)
    subjects: list[tuple[Node, int]] = field(default_factory=list)

    def peek(self) -> _Token | None:
        return self.tokens[self.at] if self.at < len(self.tokens) else None

    def take(self, *texts: str) -> _Token:
        token = self.peek()
        if token is None or (texts and token.text not in texts):
            raise TurtleNotFollowed(f"expected {texts or 'more'} at token {self.at}")
        self.at += 1
        return token

    def document(self) -> None:
        while self.peek() is not None:
            token = self.peek()
            assert token is not None
            if token.text in ("@prefix", "@base") or token.text.upper() in ("PREFIX", "BASE"):
                self.directive()
            else:
                self.statement()

    def directive(self) -> None:
        keyword = self.take().text
        if keyword.lower().lstrip("@") == "prefix":
            name = self.take().text
            self.prefixes[name[:-1]] = self.iri_text(self.take())
        else:
            self.base = self.iri_text(self.take())
        if keyword.startswith("@"):
            self.take(".")

    def peek_text(self) -> str | None:
        """The next token's text, or None at the end."""
        following = self.peek()
        return None if following is None else following.text

    def statement(self) -> None:
        token = self.take()
        subject: Node
        if token.text == "[":
            subject = self.property_list_node(token)
            following = self.peek()
            if following is not None and following.text != ".":
                self.predicate_objects(subject)
        else:
            subject = self.term(token)
            self.subjects.append((subject, token.line))
            self.predicate_objects(subject)
        self.take(".")

    def predicate_objects(self, subject: Node) -> None:
        while True:
            verb = self.take()
            predicate = RDF.type if verb.text == "a" else self.term(verb)
            if not isinstance(predicate, URIRef):
                raise TurtleNotFollowed(f"line {verb.line}: a predicate must be an IRI")
            self.objects(subject, predicate)
            while self.peek_text() == ";":
                self.take()
            nxt = self.peek()
            if nxt is None or nxt.text in (".", "]"):
                return

    def objects(self, subject: Node, predicate: URIRef) -> None:
        while True:
            token = self.take()
            self.triples.append((subject, predicate, self.object(token), token.line))
            if self.peek_text() != ",":
                return
            self.take()

    def object(self, token: _Token) -> Node:
        if token.text == "[":
            return self.property_list_node(token)
        if token.text == "(":
            return self.collection(token)
        if token.kind in ("string", "long"):
            return self.literal(token)
        return self.term(token)

    def property_list_node(self, opening: _Token) -> BNode:
        node = BNode()
        self.subjects.append((node, opening.line))
        if self.peek_text() not in (None, "]"):
            self.predicate_objects(node)
        self.take("]")
        return node

    def collection(self, opening: _Token) -> Node:
        items: list[tuple[Node, int]] = []
        while self.peek_text() not in (None, ")"):
            token = self.take()
            items.append((self.object(token), token.line))
        self.take(")")
        head: Node = RDF.nil
        for item, line in reversed(items):
            cell = BNode()
            self.subjects.append((cell, opening.line))
            self.triples += [(cell, RDF.first, item, line), (cell, RDF.rest, head, line)]
            head = cell
        return head

    def literal(self, token: _Token) -> Literal:
        quote = 3 if token.kind == "long" else 1
        lexical = _unescape(token.text[quote:-quote])
        nxt = self.peek()
        if nxt is not None and nxt.kind == "lang":
            self.take()
            return Literal(lexical, lang=nxt.text[1:])
        if nxt is not None and nxt.kind == "datatype":
            self.take()
            datatype = self.term(self.take())
            return Literal(lexical, datatype=URIRef(str(datatype)))
        return Literal(lexical)

    def term(self, token: _Token) -> Node:
        kind = token.kind
        if kind == "iri":
            return URIRef(self.iri_text(token))
        if kind == "pname":
            prefix, _, local = token.text.partition(":")
            if prefix not in self.prefixes:
                raise TurtleNotFollowed(f"line {token.line}: unknown prefix {prefix!r}")
            return URIRef(self.prefixes[prefix] + re.sub(r"\\(.)", r"\1", local))
        if kind == "bnode":
            return self.labels.setdefault(token.text, BNode())
        if kind in ("integer", "decimal", "double"):
            return Literal(token.text, datatype={"integer": XSD.integer, "decimal": XSD.decimal,
                                                 "double": XSD.double}[kind])
        if token.text in ("true", "false"):
            return Literal(token.text, datatype=XSD.boolean)
        raise TurtleNotFollowed(f"line {token.line}: unexpected {token.text!r}")

    def iri_text(self, token: _Token) -> str:
        if token.kind != "iri":
            raise TurtleNotFollowed(f"line {token.line}: expected an IRI")
        iri = _unescape(token.text[1:-1])
        return urljoin(self.base, iri) if self.base else iri


# ---------------------------------------------------------------- blank nodes by what they hold


def _signature(graph: Graph, node: BNode, depth: int) -> Hashable:
    """What a blank node holds, nested blank nodes by what they hold (to ``depth``)."""
    return frozenset(
        (p, ("[]", _signature(graph, o, depth - 1) if depth else None) if isinstance(o, BNode) else o)
        for p, o in graph.predicate_objects(node))


def node_key(graph: Graph, node: Node) -> Hashable:
    """``node`` itself, or for a blank node what it holds and what points at it in ``graph``.

    The key of one blank node is the same in any graph that holds the triples of its file.
    """
    if not isinstance(node, BNode):
        return node
    parents = frozenset((("[]", _signature(graph, s, 1)) if isinstance(s, BNode) else s, p)
                        for s, p in graph.subject_predicates(node))
    return ("[]", _signature(graph, node, 3), parents)


@dataclass
class LineIndex:
    """The lines of one Turtle file: where each subject's block starts, where each triple is written.

    ``graph`` holds the file's triples as this reader read them (empty when it could not follow the file).
    """

    graph: Graph = field(default_factory=Graph)
    subjects: dict[Hashable, int] = field(default_factory=dict)
    objects: dict[Hashable, int] = field(default_factory=dict)
    triples: dict[tuple[Hashable, URIRef, Hashable], int] = field(default_factory=dict)
    properties: dict[tuple[Hashable, URIRef], int] = field(default_factory=dict)

    @classmethod
    def of_text(cls, text: str) -> LineIndex:
        """The index of a Turtle text (empty when the reader cannot follow it)."""
        reader = _Reader(list(_tokens(text)))
        reader.document()
        index = cls()
        for s, p, o, _line in reader.triples:
            index.graph.add((s, p, o))
        for node, line in reader.subjects:
            index.subjects.setdefault(node_key(index.graph, node), line)
        for s, p, o, line in reader.triples:
            s_key, o_key = node_key(index.graph, s), node_key(index.graph, o)
            index.triples.setdefault((s_key, p, o_key), line)
            index.properties.setdefault((s_key, p), line)
            index.objects.setdefault(o_key, line)
        return index

    @classmethod
    def of_file(cls, path: Path) -> LineIndex:
        """The index of a Turtle file; empty when it cannot be read or followed."""
        try:
            return cls.of_text(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, TurtleNotFollowed, RecursionError):
            return cls()

    def subject_line(self, node: Node, graph: Graph | None = None) -> int | None:
        """Where ``node``'s block starts (``graph``: where the blank node was found); else where it is
        first written as an object; None when the file does not write it."""
        key = node_key(graph, node) if graph is not None else node
        return self.subjects.get(key, self.objects.get(key))

    def triple_line(self, s: Node, p: Node, o: Node | None, graph: Graph | None = None) -> int | None:
        """The line where the triple ``(s, p, o)`` is written, if the file writes it; with ``o`` None,
        the line of the first value of ``p`` that the file writes for ``s``."""
        if not isinstance(p, URIRef):
            return None
        s_key = node_key(graph, s) if graph is not None else s
        if o is None:
            return self.properties.get((s_key, p))
        o_key = node_key(graph, o) if graph is not None else o
        return self.triples.get((s_key, p, o_key))
