"""The About column of a claims table: always on a source page, on an event's page only when some of its
claims are about something else too (a series' incidents), each cell linking what the claim is about,
as the graph says (read through /sparql)."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from fastapi.testclient import TestClient

from support.page_kinds import BROWSER_ACCEPT

BASE = "https://w3id.org/sahel-harm/"


def about_of(client: TestClient, claims: list[str]) -> dict[str, set[str]]:
    values = " ".join(f"<{BASE}id/claim/{c}>" for c in claims)
    query = f"SELECT ?c ?a WHERE {{ VALUES ?c {{ {values} }} ?c <{BASE}ontology/about> ?a }}"
    rows = client.get("/sparql", params={"query": query}, headers={"Accept": "application/sparql-results+json"})
    found: dict[str, set[str]] = {}
    for b in rows.json()["results"]["bindings"]:
        found.setdefault(b["c"]["value"].rsplit("/", 1)[-1], set()).add(b["a"]["value"].removeprefix(BASE))
    return found


@pytest.mark.parametrize("path", ["/id/source/kossiba-observer-aghazar-killings", "/id/event/alleged-abuses-by-zembaran-forces",
                                  "/id/incident/aghazar-killings"])
def test_about_column(client: TestClient, path: str) -> None:
    soup = BeautifulSoup(client.get(path, headers={"Accept": BROWSER_ACCEPT}).text, "html.parser")
    rows = soup.select("table.claims tbody tr")
    claims = [r.select_one(".claim-link a")["href"].rsplit("/", 1)[-1] for r in rows]
    about = about_of(client, claims)
    page = path.lstrip("/")
    needed = path.startswith("/id/source/") or any(about[c] != {page} for c in claims)
    headers = [th.get_text(strip=True) for th in soup.select("table.claims thead th")]
    assert ("About" in headers) == needed, (path, headers)
    if needed:
        for row, claim in zip(rows, claims):
            shown = {a["href"].split("/", 3)[-1] for a in row.select("td[data-label=About] a")}
            assert shown == about[claim], (claim, shown, about[claim])
