"""The query reader against the engine: what pyoxigraph evaluates is what the reader sees.

Differential tests. Hypothesis writes queries that mix comments (ended by LF,
CR, CRLF or the end), strings in all four quote forms with escapes, IRIs,
prefixed names with escapes and dots, variables named like keywords,
comparisons glued to what follows, and SERVICE / FROM written every way the
engine accepts. Each query is evaluated by pyoxigraph itself:

- SERVICE: every target is a loopback canary with its own path; whenever the
  engine calls one, the reader must have seen a SERVICE clause.
- FROM: the store holds one triple in its default graph and one in each of
  three named graphs, and every generated query's answer changes with any
  dataset clause, so the rows say whether the engine took one; the reader
  must say the same, both ways.

The query pieces are hypothesis strategies of :mod:`support.query_strategies`.
"""

from __future__ import annotations

import re
import time
import tracemalloc
from collections.abc import Iterator

import pyoxigraph
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sahel_kg.namespaces import PREFIXES
from sahel_kg.query.federation import unread_service_refusal
from sahel_kg.rdf.sparql_text import keyword_split, read_query, tokenize
from support.hardening import Canary
from support.query_strategies import case_variants, separators, service_query, string_literal

DIFFERENTIAL = settings(max_examples=400, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)


@pytest.fixture(scope="module")
def canary() -> Iterator[Canary]:
    with Canary() as c:
        yield c


def engine_calls(store: pyoxigraph.Store, canary: Canary, query: str) -> bool:
    """Whether evaluating ``query`` makes the engine call the canary."""
    before = len(canary.hits)
    try:
        list(store.query(query, prefixes=PREFIXES))  # type: ignore[arg-type]
    except (SyntaxError, OSError, RuntimeError, ValueError):
        pass
    return len(canary.hits) > before


@pytest.fixture(scope="module")
def service_store(canary: Canary) -> pyoxigraph.Store:
    store = pyoxigraph.Store()
    port = canary.server.server_address[1]
    for o in ("http://o", f"http://127.0.0.1:{port}/a.b"):
        store.add(pyoxigraph.Quad(pyoxigraph.NamedNode("http://s"), pyoxigraph.NamedNode("http://p"),
                                  pyoxigraph.NamedNode(o)))
    return store


def test_the_generator_reaches_the_engine(service_store: pyoxigraph.Store, canary: Canary) -> None:
    """The differential test means something only if the engine really calls the canary."""
    port = canary.server.server_address[1]
    assert engine_calls(service_store, canary, f"SELECT * {{ SERVICE <http://127.0.0.1:{port}/x> {{ }} }}")


@DIFFERENTIAL
@given(data=st.data())
def test_whenever_the_engine_calls_a_service_the_reader_sees_it(service_store: pyoxigraph.Store, canary: Canary,
                                                               data: st.DataObject) -> None:
    query = data.draw(service_query(canary.server.server_address[1]))
    if engine_calls(service_store, canary, query):
        assert read_query(query, prefixes=PREFIXES).services, query


@DIFFERENTIAL
@given(data=st.data())
def test_where_the_word_rule_lets_a_query_through_the_reader_saw_every_call(
        service_store: pyoxigraph.Store, canary: Canary, data: st.DataObject) -> None:
    """The guard without isolation: a query passes only if each SERVICE the engine calls is one the reader read."""
    query = data.draw(service_query(canary.server.server_address[1]))
    calls = read_query(query, prefixes=PREFIXES).services
    if unread_service_refusal(query, calls) is not None:
        return
    before = len(canary.hits)
    engine_calls(service_store, canary, query)
    seen = {re.split(r"\\?#", re.split(r"[/:]", call.target.rstrip(">"))[-1])[0].removeprefix("\\u0041")
            for call in calls}
    called = {hit.rsplit("/", 1)[-1].removeprefix("A") for hit in canary.hits[before:]}
    assert called <= seen, query


@pytest.mark.parametrize("query", [
    "SELECT * {{ # x\rSERVICE <{url}> {{ }} }}",
    "SELECT * {{ BIND('''x\\'''' AS ?a) SERVICE <{url}> {{ }} BIND('y' AS ?b) }}",
    'SELECT * {{ BIND("""x\\"""" AS ?a) SERVICE <{url}> {{ }} BIND("y" AS ?b) }}',
    "PREFIX : <{base}> SELECT * {{ SERVICE:x {{ }} }}",
    "PREFIX c: <{base}> SELECT * {{ SERVICEc:x {{ }} }}",
    "SELECT * {{ SERVICESILENT<{url}> {{ }} }}",
    "PREFIX c: <{base}> SELECT * {{ VALUES ?s {{ <http://s> }} ?s ?p c:a.b.SERVICE<{url}>{{ }} }}",
    "PREFIX c: <{base}> SELECT * {{ VALUES ?s {{ <http://s> }} ?s ?p ?o FILTER(?s<?o)SERVICE c:x#>\n{{ }} }}",
    "SELECT * {{ BIND(\"a\\\\\" AS ?a) SERVICE <{url}> {{ }} }}",
    "PREFIX c: <{base}> SELECT * {{ ?s ?p c:it\\'s SERVICE <{url}> {{ }} BIND('x' AS ?x) }}",
])
def test_handed_and_found_bypasses_are_seen(service_store: pyoxigraph.Store, canary: Canary, query: str) -> None:
    """The issue's inputs and the ones the differential test found, each checked against the engine."""
    port = canary.server.server_address[1]
    text = query.format(url=f"http://127.0.0.1:{port}/fixed", base=f"http://127.0.0.1:{port}/")
    assert engine_calls(service_store, canary, text), f"the engine no longer calls SERVICE in {text!r}"
    assert read_query(text, prefixes=PREFIXES).services, text


# ---------------------------------------------------------------- FROM

@pytest.fixture(scope="module")
def dataset_store() -> pyoxigraph.Store:
    store = pyoxigraph.Store()
    s, p = pyoxigraph.NamedNode("http://s"), pyoxigraph.NamedNode("http://p")
    store.add(pyoxigraph.Quad(s, p, pyoxigraph.Literal("default")))
    for g in ("http://g", "http://h", "http://k"):  # no dataset clause names k
        store.add(pyoxigraph.Quad(s, p, pyoxigraph.Literal(g), pyoxigraph.NamedNode(g)))
    return store


@st.composite
def dataset_query(draw: st.DrawFn) -> str:
    """A query that may or may not name its dataset, with FROM written every way the engine reads."""
    sep = separators
    clause = draw(st.sampled_from([
        "", "", "{FROM} <http://g>", "{FROM} {NAMED} <http://g>", "{FROM}{NAMED}<http://g>", "{FROM}<http://g>",
        "{FROM}:g", "{FROM} {NAMED} <http://h> {FROM} <http://g>", "{FROM}\r<http://g>", "{FROM}#x\r<http://g>",
    ]))
    clause = clause.format(FROM=draw(case_variants("from")), NAMED=draw(case_variants("named")))
    form = draw(st.sampled_from(["select", "ask", "construct", "describe", "construct_template"]))
    var_named_from = draw(st.sampled_from(["?from", "?FROM", "$from", "?o"]))
    where = f"WHERE {{ {{ ?s ?p {var_named_from} }} UNION {{ GRAPH ?g {{ ?s ?p {var_named_from} }} }} " \
            f"BIND({draw(string_literal())} AS ?lit) }}"
    prologue = "PREFIX : <http://> " + draw(st.sampled_from(["", "PREFIX fromage: <http://f/> ", "# FROM <http://g>\n"]))
    head = {"select": f"SELECT {var_named_from} ?g (1 AS ?one)", "ask": "ASK",
            "construct": "CONSTRUCT", "describe": "DESCRIBE <http://s>",
            "construct_template": "CONSTRUCT { ?s ?p ?g }"}[form]
    if form == "construct":  # the short form's template is its pattern
        where = f"WHERE {{ GRAPH ?g {{ ?s ?p {var_named_from} }} }}"
    if form == "ask":  # true exactly when no dataset clause hides graph k
        where = f"WHERE {{ GRAPH <http://k> {{ ?s ?p {var_named_from} }} }}"
    return prologue + head + draw(sep) + " " + clause + draw(sep) + " " + where


def result_rows(store: pyoxigraph.Store, query: str) -> object:
    result = store.query(query)
    if isinstance(result, pyoxigraph.QueryBoolean):
        return bool(result)
    return sorted(str(row) for row in result)


@DIFFERENTIAL
@given(query=dataset_query())
def test_the_reader_sees_a_dataset_clause_exactly_when_the_engine_does(dataset_store: pyoxigraph.Store,
                                                                       query: str) -> None:
    without_clause = read_query(query).has_dataset_clause is False
    try:
        rows = result_rows(dataset_store, query)
    except SyntaxError:
        return
    baseline = _without_dataset(query)
    if baseline != query:
        assert (rows == result_rows(dataset_store, baseline)) == without_clause, query


def _without_dataset(query: str) -> str:
    """The same query with every FROM / FROM NAMED clause removed (read with the reader's own tokens)."""
    text = read_query(query)
    declared = set(text.prefixes) | {""}
    keep, tokens, i = [], text.tokens, 0
    while i < len(tokens):
        rest = keyword_split(tokens[i], "from", declared)
        if rest is None:
            keep.append(tokens[i].text)
            i += 1
            continue
        i += 1
        if rest == "" and i < len(tokens) and tokens[i].text.lower() == "named":
            i += 1
        if rest.lower() in ("", "named"):
            i += 1  # the graph's IRI
    return " ".join(keep)


@pytest.mark.parametrize("query, expected", [
    ("SELECT ?i ?from WHERE { ?i ?p ?from }", False),
    ("SELECT * FROM <http://g> { ?s ?p ?o }", True),
    ("SELECT*FROM<http://g>{?s ?p ?o}", True),
    ("SELECT ?s FROMNAMED<http://g> { GRAPH ?g { ?s ?p ?o } }", True),
    ("PREFIX : <http://> SELECT * FROM:g { ?s ?p ?o }", True),
    ("SELECT * { ?s ?p 'FROM <http://g>' } # FROM <http://g>", False),
    ("SELECT (1 AS ?from) { }", False),
    ("CONSTRUCT { ?s ?p ?o } FROM <http://g> WHERE { ?s ?p ?o }", True),
    ("CONSTRUCT { ?from ?p ?o } WHERE { ?from ?p ?o }", False),
    ("DESCRIBE <http://s> FROM <http://g>", True),
    ("ASK FROM <http://g> { }", True),
    ("PREFIX fromage: <http://f/> DESCRIBE fromage:x", False),
])
def test_dataset_clauses(query: str, expected: bool) -> None:
    assert read_query(query).has_dataset_clause is expected


# ---------------------------------------------------------------- tokens

def test_comments_end_at_cr_lf_and_crlf() -> None:
    for end in ("\n", "\r", "\r\n"):
        assert [t.text for t in tokenize(f"ASK # x{end}{{ }}")] == ["ASK", "{", "}"]


@pytest.mark.parametrize("literal, value", [
    ("'''x\\''''", "x'"), ('"""x\\""""', 'x"'), ("'''a''b'''", "a''b"), ("'a\\\\'", "a\\"),
    ("'\\u0027'", "'"), ('"a#b"', "a#b"), ("''''''", ""),
])
def test_strings_are_read_as_the_engine_reads_them(literal: str, value: str) -> None:
    tokens = tokenize(f"SELECT * {{ BIND({literal} AS ?a) }}")
    strings = [t.text for t in tokens if t.kind == "string"]
    assert strings == [literal]
    row = next(iter(pyoxigraph.Store().query(f"SELECT * {{ BIND({literal} AS ?a) }}")))  # type: ignore[arg-type]
    assert row["a"].value == value


def test_prefixed_name_escapes_hold_no_string() -> None:
    kinds = [(t.kind, t.text) for t in tokenize("?s ?p ex:it\\'s . ?s ?p 'x'")]
    assert ("pname", "ex:it\\'s") in kinds and ("string", "'x'") in kinds


def test_keywords_inside_names_strings_comments_and_iris_are_not_services() -> None:
    for query in ['SELECT * { ?s ?p "SERVICE <http://127.0.0.1/>" }', "SELECT ?service { ?service ?p ?o }",
                  "PREFIX ex: <http://e/> SELECT * { ?s ex:SERVICE ?o }", "# SERVICE <http://127.0.0.1/>\nASK {}",
                  "SELECT * { <http://e/SERVICE> ?p ?o }", "SELECT * { ?s ?p <http://e/SERVICE> }",
                  "SELECT * { _:SERVICE ?p ?o }", "SELECT * { BIND('x'@en AS ?service) }",
                  "SELECT * { BIND(SERV\\u0049CE AS ?x) }"]:
        assert read_query(query, prefixes=PREFIXES).services == [], query


#: Characters whose lower case is, or holds, an ASCII letter (the Kelvin sign, dotted capital I), or which
#: look like letters of the keyword (long s), set among the keyword's own pieces.
_CASE_PIECES = st.sampled_from(["SERVICE", "service", "SERV", "ICE", "serv", "ice", "\u212a", "\u0130", "\u017f",
                                "I", "i", " ", "{", "}", "<http://h/>", ":", "?", "#", "\r", "'"])


@given(pieces=st.lists(_CASE_PIECES, max_size=14))
def test_the_service_search_is_skipped_only_where_no_token_could_hold_the_keyword(pieces: list[str]) -> None:
    """read_query skips its token-by-token SERVICE search when the query's lower case lacks the letters; it
    must find exactly what the full search finds."""
    from sahel_kg.rdf.sparql_text import _prologue, _services

    query = "SELECT * { " + "".join(pieces) + " }"
    tokens = tokenize(query)
    declared, _ = _prologue(tokens)
    assert read_query(query, prefixes=PREFIXES).services == _services(tokens, set(declared) | set(PREFIXES))


def test_whitespace_and_comments_make_no_tokens_and_keep_positions() -> None:
    query = "ASK\r\n# c\r{ \t?s#x\n?p ?o }"
    assert [(t.text, t.start, query[t.start:t.start + len(t.text)]) for t in tokenize(query)] == [
        ("ASK", 0, "ASK"), ("{", 9, "{"), ("?s", 12, "?s"), ("?p", 17, "?p"), ("?o", 20, "?o"), ("}", 23, "}")]


#: Characters other text formats end a line or a comment at, or skip as space; SPARQL's comments end at CR or LF only.
_NOT_LINE_ENDS = ["\x0b", "\x0c", "\x85", "\xa0", "\u2028", "\u2029", "\ufeff", "\u3000"]


@pytest.mark.parametrize("char", _NOT_LINE_ENDS)
def test_only_cr_and_lf_end_a_comment_for_the_engine_as_for_the_reader(service_store: pyoxigraph.Store,
                                                                      canary: Canary, char: str) -> None:
    """Were the engine to end a comment at one of these, the reader would miss the SERVICE after it."""
    url = f"http://127.0.0.1:{canary.server.server_address[1]}/comment"
    commented = f"SELECT * {{ # c{char}SERVICE <{url}> {{ }} }}"
    assert not engine_calls(service_store, canary, commented), repr(char)
    assert read_query(commented, prefixes=PREFIXES).services == [], repr(char)
    between = f"SELECT * {{{char}SERVICE{char}<{url}>{char}{{ }} }}"  # no separator for either: the engine
    assert not engine_calls(service_store, canary, between), repr(char)  # refuses, and the reader still
    assert read_query(between, prefixes=PREFIXES).services, repr(char)  # sees the clause


@pytest.mark.parametrize("piece", ["#\n", " #\r", " \t#x\r\n\n#\r", "#"])
def test_a_body_of_comments_is_read_past_in_little_memory(piece: str) -> None:
    """1 MB of short comments, the largest body the endpoint takes, is read past in a few times its own
    size at most: no backtracking state kept per comment (a greedy repeat of the alternation held about
    190 MB for 500,000 of them, in the web process, from one request)."""
    query = "ASK {" + piece * (1_048_576 // len(piece)) + "\n}"
    was_tracing = tracemalloc.is_tracing()
    tracemalloc.start()
    tracemalloc.reset_peak()
    before = tracemalloc.get_traced_memory()[0]
    try:
        texts = [t.text for t in tokenize(query, max_tokens=8192)]
        peak = tracemalloc.get_traced_memory()[1] - before
    finally:
        if not was_tracing:
            tracemalloc.stop()
    assert texts == ["ASK", "{", "}"]
    assert peak < 4 * len(query), f"{peak / 1e6:.0f} MB to read {len(query) / 1e6:.0f} MB"


def test_service_targets_are_unescaped_and_silent_is_kept() -> None:
    calls = read_query("SELECT * { SERVICE SILENT <http:\\u002F/a/> { } SERVICE ?x { } SERVICEc:y { } }").services
    assert [(c.target, c.iri, c.silent) for c in calls] == [
        ("<http:\\u002F/a/>", "http://a/", True), ("?x", None, False), ("c:y", None, False)]


def test_query_forms() -> None:
    assert read_query("BASE <x:> PREFIX : <y:> select * {}").form == "SELECT"
    assert read_query("PREFIXa:<http://a/> ASK {}").form == "ASK"
    assert read_query("PREFIXa:<http://a/> ASK {}").prefixes == {"a": "http://a/"}
    assert read_query("garbage").form is None


@pytest.mark.parametrize("piece", ["a.", "'\\'", '"\\"', "'''\\'", "_:a.", "<a", "@a-", "a:", "\\u", "((", "{"])
def test_reading_is_linear(piece: str) -> None:
    """256 kB of the text that once made reading quadratic (minutes) reads in about a second.

    A safety bound against that regression, not a speed target: the figure
    is ten times what the reader takes here.
    """
    query = piece * (256_000 // len(piece))
    started = time.perf_counter()
    read_query(query)
    assert time.perf_counter() - started < 15
