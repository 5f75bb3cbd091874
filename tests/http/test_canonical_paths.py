"""One URI per resource: percent-encoded spellings of a path never answer 200 (RFC 3986 §2.2, §6.2.2)."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from sahel_kg.web.canonical import canonical_answer


@pytest.fixture(scope="module")
def place_path(client: TestClient) -> str:
    """The path of some place of the served graph (whatever data is there)."""
    query = "PREFIX shg: <https://w3id.org/sahel-harm/ontology/> SELECT ?p { ?p a shg:Place } ORDER BY ?p LIMIT 1"
    iri = client.get("/sparql", params={"query": query, "format": "json"}).json()["results"]["bindings"][0]["p"]["value"]
    return "/" + iri.split("/sahel-harm/", 1)[1]


def encode_each(text: str, chars: str) -> str:
    return "".join(f"%{ord(c):02X}" if c in chars else c for c in text)


def test_the_canonical_path_answers(client: TestClient, place_path: str) -> None:
    assert client.get(place_path, headers={"accept": "text/turtle"}).status_code == 200


@pytest.mark.parametrize("spell", [
    lambda p: encode_each(p, "/"),                              # /id%2Fplace%2Fgao
    lambda p: encode_each(p, "/").lower(),                      # lower-case hex is the same escape
    lambda p: p.rsplit("/", 1)[0] + "%2F" + p.rsplit("/", 1)[1],  # only the last slash
    lambda p: "/graph" + encode_each(p, "/"),
    lambda p: p.replace("/id/", "/id%3A"),                      # another reserved character
])
def test_encoded_reserved_characters_name_no_resource(client: TestClient, place_path: str, spell) -> None:  # type: ignore[no-untyped-def]
    path = spell(place_path)
    response = client.get(path, follow_redirects=False)
    assert response.status_code == 404, path
    assert "RFC 3986" in response.text


@pytest.mark.parametrize("suffix, query", [("", ""), (".ttl", ""), ("", "?x=%2F")])
def test_encoded_unreserved_characters_redirect_to_the_canonical_path(client: TestClient, place_path: str,
                                                                      suffix: str, query: str) -> None:
    last = place_path[-1]
    spelled = place_path[:-1] + f"%{ord(last):02x}" + suffix + query
    response = client.get(spelled, follow_redirects=False)
    assert response.status_code == 301
    assert response.headers["location"] == place_path + suffix + query
    assert client.get(spelled).status_code == 200


def test_other_paths_follow_the_same_rule(client: TestClient) -> None:
    assert client.get("/browse%2Fincidents", follow_redirects=False).status_code == 404
    assert client.get("/brows%65/incidents", follow_redirects=False).headers["location"] == "/browse/incidents"
    assert client.get("/search", params={"q": "a/b"}).status_code == 200  # the query string is not the path


def test_canonical_answer_keeps_other_escapes_for_the_routes() -> None:
    assert canonical_answer(b"/id/place/caf%C3%A9", b"") is None
    assert canonical_answer(b"/id/place/a%20b", b"") is None
    assert canonical_answer(b"/id/place/ga%6F%20", b"") == (301, "/id/place/gao%20")
