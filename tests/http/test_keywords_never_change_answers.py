"""A keyword inside a string, a comment, an IRI or a variable name never changes a query's answer.

Hypothesis adds such noise to a query — comments ended by LF, CR or CRLF,
strings of the four quote forms, IRIs and variables that spell FROM, NAMED,
SERVICE, SILENT, PREFIX, WHERE — and the endpoint must give the same rows as
for the query without it, on both backends. (Where no isolated worker
evaluates, the word SERVICE outside a clause is refused instead, by rule:
``docs/hardening.md``, guard 3.)
"""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

NOISY = settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
BASE_QUERY = ("PREFIX shg: <https://w3id.org/sahel-harm/ontology/> "
              "SELECT ?s WHERE {{ ?s a shg:Place . {noise} }} ORDER BY ?s")
LINE_ENDS = ["\n", "\r", "\r\n"]
WORDS = ["FROM", "from named", "SERVICE", "service silent", "PREFIX x:", "WHERE", "{", "}", "<http://127.0.0.1/>"]


@st.composite
def noise(draw: st.DrawFn, n: int) -> str:
    word = draw(st.sampled_from(WORDS))
    kind = draw(st.sampled_from(["comment", "string", "long", "iri", "variable"]))
    if kind == "comment":
        end = draw(st.sampled_from(LINE_ENDS))
        return f"# {word}{end}"
    if kind == "string":
        quote = draw(st.sampled_from(["'", '"']))
        return f"BIND({quote}{word}{quote} AS ?n{n})"
    if kind == "long":
        quote = draw(st.sampled_from(["'''", '"""']))
        return f"BIND({quote}{word}\n{word}\\{quote[0]}{quote} AS ?n{n})"
    if kind == "iri":
        return f"BIND(<http://example.org/{word.split()[0].strip('{}<>:/')}> AS ?n{n})"
    name = draw(st.sampled_from(["from", "FROM", "service", "named", "where"]))
    return f"OPTIONAL {{ ?s ?{name}{n} ?{name} }}"


def places(client: TestClient, query: str) -> list[str] | None:
    """The places answered, or None when the query was refused for the word SERVICE (no isolated workers)."""
    response = client.post("/sparql", data={"query": query}, headers={"accept": "application/sparql-results+json"})
    if response.status_code == 403 and not client.app.state.runner.isolated:  # type: ignore[attr-defined]
        assert "holds the word SERVICE" in response.text and "service" in query.lower()
        return None
    assert response.status_code == 200, (query, response.text)
    return [b["s"]["value"] for b in response.json()["results"]["bindings"]]


@pytest.fixture(scope="module")
def expected(client: TestClient) -> list[str]:
    rows = places(client, BASE_QUERY.format(noise=""))
    assert rows
    return rows


@NOISY
@given(data=st.data())
def test_noise_never_changes_the_answer(client: TestClient, expected: list[str], data: st.DataObject) -> None:
    pieces = [data.draw(noise(n)) for n in range(data.draw(st.integers(1, 3)))]
    query = BASE_QUERY.format(noise=" ".join(pieces))
    answer = places(client, query)
    assert answer is None or sorted(set(answer)) == sorted(set(expected)), query
