"""Request limits (413/414/431), security headers, and no stack trace to any client."""

from __future__ import annotations

import pyoxigraph
import pytest
from fastapi.testclient import TestClient

from sahel_kg.app import create_app
from sahel_kg.settings import Settings
from support.project_data import ROOT


def test_long_url_is_414(client: TestClient) -> None:
    response = client.get("/sparql", params={"query": "ASK {} #" + "x" * 20_000})
    assert response.status_code == 414 and "POST" in response.text


def test_big_body_is_413(client: TestClient) -> None:
    query = "ASK {} #" + "x" * 1_100_000
    response = client.post("/sparql", content=query, headers={"content-type": "application/sparql-query"})
    assert response.status_code == 413 and "too large" in response.text


def test_big_chunked_body_is_413(client: TestClient) -> None:
    def chunks():
        for _ in range(20):
            yield b"#" + b"x" * 99_999
    response = client.post("/sparql", content=chunks(), headers={"content-type": "application/sparql-query"})
    assert response.status_code == 413


def test_too_many_or_too_large_headers_are_431(client: TestClient) -> None:
    many = {f"x-h{i}": "v" for i in range(120)}
    assert client.get("/sparql", headers=many).status_code == 431
    assert client.get("/sparql", headers={"x-big": "v" * 20_000}).status_code == 431


def test_limits_are_counted(client: TestClient) -> None:
    client.get("/sparql", params={"query": "x" * 20_000})
    assert 'sahel_rejections_total{reason="414"}' in client.get("/-/metrics").text


@pytest.mark.parametrize("path", ["/query", "/sparql?query=ASK%20%7B%7D", "/-/health", "/static/style.css"])
def test_security_headers(client: TestClient, path: str) -> None:
    response = client.get(path)
    csp = response.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in csp and "default-src 'self'" in csp and "object-src 'none'" in csp
    assert "'unsafe-inline'" not in csp.split("script-src")[1].split(";")[0]
    for directive in csp.split(";"):  # the editor and Leaflet are vendored; tiles only by the online_tiles setting
        assert "http" not in directive and "*" not in directive, directive
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "strict-origin-when-cross-origin"


def test_our_pages_load_nothing_the_policy_blocks(client: TestClient) -> None:
    """No inline scripts or styles, no outside hosts, in the query page."""
    import re

    html = client.get("/query").text
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>\s*\S", html), "inline script would be blocked"
    assert "<style" not in html, "an inline style element would be blocked"
    for url in re.findall(r'(?:src|href)="(https?://[^"]+)"', html):
        assert url.startswith("http://testserver/"), url


def test_online_tiles_setting_opens_the_tile_host_to_images_only() -> None:
    app = create_app(Settings(root=ROOT, online_tiles=True), pyoxigraph.Store())
    with TestClient(app) as client:
        csp = client.get("/-/health").headers["content-security-policy"]
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";"))
    assert "https://tile.openstreetmap.org" in directives["img-src"]
    assert all("openstreetmap" not in v for k, v in directives.items() if k != "img-src")


def test_an_unexpected_error_is_a_plain_500_without_details() -> None:
    app = create_app(Settings(root=ROOT), pyoxigraph.Store())

    @app.get("/boom")
    def boom() -> None:
        raise RuntimeError("secret detail /etc/passwd")

    with TestClient(app, raise_server_exceptions=False) as client:
        response = client.get("/boom")
    assert response.status_code == 500
    assert "secret" not in response.text and "Traceback" not in response.text
    assert response.headers["content-type"].startswith("text/plain")
