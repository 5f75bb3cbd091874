"""Conditional GETs over a built store: an ``ETag`` on every answer that depends on the build and the
request only, a 304 without a body for a client that holds it (RFC 9110 §13.1.2, §15.4.5)."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from sahel_kg.web.conditional import entity_tag, is_taggable_answer, tag_matches
from support.apps import process_client

INCIDENT = "/id/incident/kossiba-market-killings"
QUERY = "/sparql?query=" + "SELECT%20(COUNT(*)%20AS%20%3Fn)%20WHERE%20%7B%3Fs%20%3Fp%20%3Fo%7D"


@pytest.fixture(scope="module")
def built(store_pointer: Path) -> Iterator[TestClient]:
    """A client of the app over the built fixture store, as ``sahel-kg serve`` runs it."""
    with process_client(store_pointer) as c:
        settle(c)
        yield c


def settle(client: TestClient) -> None:
    """Wait for the first look at the project files (its answer is part of every tag), as a
    deployment's first health check does."""
    assert client.get("/-/health").json()["data"]["current"] is not None


def test_a_page_carries_a_strong_tag_and_is_revalidated(built: TestClient) -> None:
    first = built.get(INCIDENT, headers={"Accept": "text/html"})
    assert first.status_code == 200
    tag = first.headers["etag"]
    assert tag.startswith('"') and not tag.startswith("W/")
    assert first.headers["cache-control"] == "public, no-cache"
    again = built.get(INCIDENT, headers={"Accept": "text/html"})
    assert again.headers["etag"] == tag


@pytest.mark.parametrize("path", [INCIDENT, QUERY, "/browse/incidents", "/.well-known/void", "/"])
def test_a_client_holding_the_answer_gets_304_and_the_same_headers(built: TestClient, path: str) -> None:
    first = built.get(path)
    assert first.status_code == 200
    held = built.get(path, headers={"If-None-Match": first.headers["etag"]})
    assert held.status_code == 304
    assert held.content == b""
    assert held.headers["etag"] == first.headers["etag"]
    for name in ("vary", "content-location", "cache-control"):
        assert held.headers.get(name) == first.headers.get(name), name
    assert "content-type" not in held.headers


def test_a_tag_names_one_representation(built: TestClient) -> None:
    html = built.get(INCIDENT, headers={"Accept": "text/html"})
    turtle = built.get(INCIDENT, headers={"Accept": "text/turtle"})
    assert html.headers["etag"] != turtle.headers["etag"]
    crossed = built.get(INCIDENT, headers={"Accept": "text/turtle", "If-None-Match": html.headers["etag"]})
    assert crossed.status_code == 200 and crossed.content == turtle.content
    french = built.get(INCIDENT, headers={"Accept": "text/html", "Accept-Language": "fr"})
    assert french.headers["etag"] != html.headers["etag"]


def test_a_stale_or_wrong_tag_gets_the_answer(built: TestClient) -> None:
    answer = built.get(INCIDENT, headers={"If-None-Match": '"not-this-one", W/"nor-this"'})
    assert answer.status_code == 200 and answer.content


def test_a_new_release_changes_every_tag(store_pointer: Path, tmp_path: Path) -> None:
    """Pages cite the latest release: a release made while serving must not be hidden by a 304."""
    releases = tmp_path / "releases"
    releases.mkdir()
    with process_client(store_pointer, releases=releases) as c:
        settle(c)
        before = c.get(INCIDENT).headers["etag"]
        (releases / "0.1.0").mkdir()
        assert c.get(INCIDENT, headers={"If-None-Match": before}).status_code == 200


def test_a_restarted_server_honours_the_tags_it_gave(store_pointer: Path, built: TestClient) -> None:
    """The tag depends on the build and the request, not on the process: after a restart
    (nothing remembered yet) the route runs and its 200 becomes a 304."""
    tag = built.get(INCIDENT).headers["etag"]
    with process_client(store_pointer) as restarted:
        settle(restarted)
        held = restarted.get(INCIDENT, headers={"If-None-Match": tag})
        assert held.status_code == 304 and held.content == b""
        assert held.headers["etag"] == tag


def test_what_is_never_tagged(built: TestClient) -> None:
    assert "etag" not in built.get("/-/health").headers
    posted = built.post("/sparql", data={"query": "ASK {}"}, headers={"Accept": "application/sparql-results+json"})
    assert posted.status_code == 200 and "etag" not in posted.headers
    missing = built.get("/id/incident/no-such-incident")
    assert missing.status_code == 404 and "etag" not in missing.headers
    static = built.get("/static/style.css")
    assert static.status_code == 200 and static.headers["cache-control"] == "public, max-age=3600"
    assert len(static.headers.get_list("etag")) == 1  # the static files' own tag, not a second one


def test_an_in_memory_store_has_no_build_to_tag(client: TestClient) -> None:
    """The shared app of the other tests serves an in-memory copy: no build, no tags."""
    assert "etag" not in client.get(INCIDENT).headers


def test_if_none_match_is_compared_weakly() -> None:
    assert tag_matches(b'"a"', '"a"')
    assert tag_matches(b'W/"a"', '"a"')
    assert tag_matches(b' "x" , "a" ', '"a"')
    assert tag_matches(b"*", '"a"')
    assert not tag_matches(b'"ab"', '"a"')
    assert not tag_matches(b"", '"a"')


def test_the_tag_changes_with_each_input() -> None:
    base = dict(build="store-0-1", code="c", context=(True, "2026-11-29", 0), method_free_target=b"/x?",
                headers=[])
    tag = entity_tag(**base)  # type: ignore[arg-type]
    for key, other in [("build", "store-0-2"), ("code", "d"), ("context", (False, "2026-11-29", 0)),
                       ("context", (True, "2026-11-30", 0)), ("context", (True, "2026-11-29", 1)),
                       ("method_free_target", b"/x?a=1"), ("headers", [(b"Accept", b"text/turtle")])]:
        assert entity_tag(**{**base, key: other}) != tag, key  # type: ignore[arg-type]
    assert entity_tag(**{**base, "headers": [(b"user-agent", b"x")]}) == tag  # type: ignore[arg-type]


def test_answers_that_depend_on_more_than_the_request_are_not_tagged() -> None:
    assert is_taggable_answer(200, [(b"content-type", b"text/html")])
    assert not is_taggable_answer(200, [(b"Sahel-Query-Timeout", b"30")])
    assert not is_taggable_answer(200, [(b"cache-control", b"no-store")])
    assert not is_taggable_answer(404, [])
    assert not is_taggable_answer(200, [(b"etag", b'"theirs"')])


@pytest.mark.real_server
def test_a_caching_http_client_revalidates_against_the_real_server(
        server: tuple[str, subprocess.Popen[bytes]]) -> None:
    """A plain HTTP/1.1 client over uvicorn: the second GET with the tag it was given is a 304 with no body."""
    with httpx.Client(base_url=server[0]) as http:
        first = http.get(INCIDENT, headers={"Accept": "text/turtle"})
        assert first.status_code == 200 and first.headers["etag"]
        held = http.get(INCIDENT, headers={"Accept": "text/turtle", "If-None-Match": first.headers["etag"]})
        assert held.status_code == 304 and held.content == b""
        head = http.head(INCIDENT, headers={"Accept": "text/turtle", "If-None-Match": first.headers["etag"]})
        assert head.status_code == 304


def test_a_repeat_answer_comes_from_the_cache_unchanged(built: TestClient) -> None:
    path = "/id/incident/aghazar-killings"
    before = built.get("/-/health").json()["response_cache"]
    first = built.get(path, headers={"Accept": "text/turtle"})
    second = built.get(path, headers={"Accept": "text/turtle"})
    after = built.get("/-/health").json()["response_cache"]
    assert second.content == first.content and second.headers["etag"] == first.headers["etag"]
    assert second.headers["content-type"] == first.headers["content-type"]
    assert second.headers["content-security-policy"]  # the edge's headers, added again
    assert after["hits"] >= before["hits"] + 1
    assert 0 < after["bytes"] <= after["capacity_bytes"]
    head = built.head(path, headers={"Accept": "text/turtle"})
    assert head.status_code == 200 and head.content == b""
    assert head.headers["content-length"] == first.headers["content-length"]


def test_a_head_is_never_kept_as_the_answer_to_a_get(built: TestClient) -> None:
    path = "/id/incident/northern-zembara-vehicle-executions"
    assert built.head(path).content == b""
    assert built.get(path).content  # not the empty body of the HEAD


def test_the_cache_can_be_turned_off_and_is_bounded(store_pointer: Path) -> None:
    with process_client(store_pointer, response_cache_bytes=0) as off:
        off.get(INCIDENT)
        assert off.get("/-/health").json()["response_cache"] is None
        assert off.get(INCIDENT).headers["etag"]  # tags and 304s do not need the cache
    with process_client(store_pointer, response_cache_bytes=20_000) as small:
        for path in (INCIDENT, "/id/incident/aghazar-killings", "/", "/browse/incidents", "/.well-known/void"):
            assert small.get(path).status_code == 200
        assert small.get("/-/health").json()["response_cache"]["bytes"] <= 20_000
