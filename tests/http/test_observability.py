"""Access log (JSON lines, hashed queries), /-/health and /-/metrics."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from sahel_kg.web.observability import query_digest
from support.apps import process_client


def test_access_log_is_json_with_a_query_digest_only(client: TestClient, caplog: pytest.LogCaptureFixture) -> None:
    query = "SELECT ?secret_word WHERE { ?s ?p ?o } LIMIT 1"
    with caplog.at_level(logging.INFO, logger="sahel_kg.access"):
        client.get("/sparql", params={"query": query}, headers={"x-forwarded-for": "203.0.113.9"})
    lines = [json.loads(r.getMessage()) for r in caplog.records if r.name == "sahel_kg.access"]
    entry = lines[-1]
    assert entry["method"] == "GET" and entry["path"] == "/sparql" and entry["status"] == 200
    assert entry["route"] == "/sparql" and entry["ms"] >= 0
    assert entry["query_sha256"] == query_digest(query)
    text = caplog.text
    assert "secret_word" not in text and "203.0.113.9" not in text and "testclient" not in text


def test_metrics_in_prometheus_format(client: TestClient) -> None:
    client.get("/sparql", params={"query": "ASK {}"})
    client.get("/sparql", params={"query": "SELECT * { SERVICE <http://10.0.0.1/> { ?s ?p ?o } }"})
    response = client.get("/-/metrics")
    assert response.headers["content-type"].startswith("text/plain; version=0.0.4")
    text = response.text
    assert 'sahel_requests_total{route="/sparql",status="200"}' in text
    assert 'sahel_requests_total{route="/sparql",status="403"}' in text
    assert 'sahel_request_duration_seconds_bucket{route="/sparql",le="+Inf"}' in text
    assert "# TYPE sahel_query_timeouts_total counter" in text
    assert "sahel_service_refusals_total" in text
    for line in text.splitlines():
        assert line.startswith("#") or len(line.rsplit(" ", 1)) == 2


def test_health_with_threads(client: TestClient) -> None:
    body = client.get("/-/health").json()
    assert body["status"] == "ok" and body["store"] == {"open": True, "has_data": True}
    assert body["workers"]["kind"] == "threads"


def test_health_with_worker_processes(store_pointer: Path) -> None:
    with process_client(store_pointer, worker_processes=2) as client:
        response = client.get("/-/health")
        assert response.status_code == 200 and response.headers["cache-control"] == "no-store"
        workers = response.json()["workers"]
        assert workers["kind"] == "processes" and workers["size"] == 2 and workers["ready"] == 2
