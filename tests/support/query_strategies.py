"""Hypothesis strategies that write SPARQL: SERVICE, strings, comments and separators spelt every way.

The differential tests of the query reader (``test_sparql_text``) and of the
SSRF guard (``test_ssrf``) draw whole queries from :func:`service_query`: each
SERVICE clause calls a loopback canary at a path of its own, so that which
clauses the engine really called can be told from the canary's hits.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator

from hypothesis import strategies as st


def case_variants(word: str) -> st.SearchStrategy[str]:
    """The word in lower, upper, title or mixed case."""
    return st.sampled_from([word.lower(), word.upper(), word.title(),
                            "".join(c.upper() if i % 2 else c.lower() for i, c in enumerate(word))])


#: Whitespace and comments as the grammar allows them between tokens (or none at all).
separators = st.sampled_from(["", " ", "\n", "\r", "\r\n", "\t", " # note\n", " # note\r", "#x\r\n",
                              "# SERVICE <http://127.0.0.1:1/> {}\r", "#}\n"])
#: Pieces of a string literal's body that hold keywords, brackets, comment marks and escapes.
string_pieces = st.sampled_from(["SERVICE", "service <http://127.0.0.1:1/x> {}", "FROM <http://g>", "}", "{", "#",
                                 "<", ">", " ", "\\'", '\\"', "\\\\", "\\n", "\\r", "\\u0027", "\\u0022",
                                 "\\U00000027"])


@st.composite
def string_literal(draw: st.DrawFn) -> str:
    """A valid string literal in one of the four quote forms, with keywords and escapes inside."""
    quote = draw(st.sampled_from(["'", '"', "'''", '"""']))
    other = '"' if quote[0] == "'" else "'"
    pieces = [string_pieces, st.just(other)]
    if len(quote) == 3:  # long strings also hold line ends and their own quote mark, one or two at a time
        pieces += [st.sampled_from(["\r", "\n", "\r\n"]), st.just(quote[0] + "a"), st.just(quote[0] * 2 + "b")]
    return quote + "".join(draw(st.lists(st.one_of(pieces), max_size=5))) + quote


def bind(expression: str, n: int) -> str:
    return f"BIND({expression} AS ?v{n})"


@st.composite
def group_element(draw: st.DrawFn, n: int, paths: Iterator[str], port: int) -> str:
    """One element of a group graph pattern, valid on its own."""
    kind = draw(st.sampled_from(["string", "service", "service", "filter", "triple", "dotted", "optional",
                                 "iri", "keyword_var", "bad_escape", "literal_glued", "declared_prefix",
                                 "function_call", "invalid_expansion"]))
    if kind == "string":
        return bind(draw(string_literal()), n)
    if kind == "service":
        return draw(service_clause(next(paths), port))
    if kind == "filter":
        op = draw(st.sampled_from(["<", "<=", ">", "!="]))
        glue = draw(separators)
        return f"FILTER(?s{op}?o){glue}{draw(service_clause(next(paths), port))}"
    if kind == "triple":
        return "?s ?p ?o"
    if kind == "dotted":  # the engine ends a prefixed name at its second dot
        return f"?s ?p c:a.b.{draw(service_clause(next(paths), port, glued=True))}"
    if kind == "optional":
        return f"OPTIONAL {{ {draw(service_clause(next(paths), port))} }}"
    if kind == "iri":
        return bind(f"<http://e/{draw(case_variants('service'))}>", n)
    if kind == "keyword_var":
        return bind("1", n) + f" BIND(2 AS ?{draw(case_variants('service'))}{n})"
    return draw(reread_element(kind, next(paths), port))


@st.composite
def reread_element(draw: st.DrawFn, kind: str, path: str, port: int) -> str:
    """Text the engine reads once, fails on, and reads again another way (its parser backtracks)."""
    if kind == "bad_escape":  # an escape naming no character: the long string fails, the short ones are read
        quote = draw(st.sampled_from(["'", '"']))
        escape = draw(st.sampled_from(["\\uD800", "\\uDFFF", "\\U00110000"]))
        return (f"VALUES ?x{path} {{ {quote * 3} {quote} }} {draw(service_clause(path, port))} "
                f"# {escape} {quote * 3} }}\n{{")
    if kind == "literal_glued":  # true, then the keyword
        return f"?s ?p {draw(st.sampled_from(['true', 'false', 'TRUE']))}{draw(service_clause(path, port, glued=True))}"
    if kind == "declared_prefix":  # a name with a declared prefix that is no triple: the keyword, then :x
        return f"service:{path} {{ }}"
    if kind == "function_call":  # a call right after FILTER: < compares inside it
        function = draw(st.sampled_from(["xsd:boolean", "<http://www.w3.org/2001/XMLSchema#boolean>"]))
        return f"FILTER {function}(1<2)SERVICE:{path}#>\n{{ }}"
    return f"?s a q:SERVICE:{path}\\#y {{ }}"  # q:… expands to an IRI with two #: the keyword, then :…


@st.composite
def service_clause(draw: st.DrawFn, path: str, port: int, glued: bool = False) -> str:
    """A SERVICE clause calling the canary at ``path``, spelled any way the engine reads."""
    keyword = draw(case_variants("service"))
    silent = draw(st.sampled_from(["", " SILENT", "SILENT", " silent"]))
    target = draw(st.sampled_from([f"<http://127.0.0.1:{port}/{path}>", f"c:{path}", f":{path}",
                                   f"<http://127.0.0.1:{port}/\\u0041{path}>"]))
    space = "" if glued else draw(st.sampled_from(["", " ", "\r", "# c\r"]))
    if target.startswith(":") and not silent:
        space = ""  # SERVICE:x, the keyword glued to a prefixed name
    elif target.startswith("c:") and not silent and not space:
        space = " "
    return f"{keyword}{silent}{space}{target}{draw(separators)}{{ }}"


@st.composite
def service_query(draw: st.DrawFn, port: int) -> str:
    """A whole SELECT query whose group holds several elements and separators."""
    paths = (f"p{i}" for i in itertools.count())
    prologue = (f"PREFIX c: <http://127.0.0.1:{port}/> PREFIX : <http://127.0.0.1:{port}/> "
                f"PREFIX q: <http://www.w3.org/2004/02/skos/core#Concept> "
                + draw(st.sampled_from(["", "PREFIX service: <http://e/> "])))
    elements = [draw(group_element(n, paths, port)) for n in range(draw(st.integers(1, 4)))]
    body = "".join(e + draw(separators) + (" . " if draw(st.booleans()) else " ") for e in elements)
    return prologue + "SELECT * WHERE { VALUES ?s { <http://s> } VALUES ?p { <http://p> } " + body + "}"


