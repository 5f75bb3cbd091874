""""How to cite" on every entity page kind: the entity's IRI, the dataset, its version, the access date,
and what to cite for data that never changes (the release, or the releases when none holds this build)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from bs4 import BeautifulSoup
from fastapi.testclient import TestClient

from sahel_kg.dataset import DATASET_TITLE, DATASET_VERSION
from support.page_kinds import BROWSER_ACCEPT, PAGES

BASE = "https://w3id.org/sahel-harm/"
#: The page kinds that are an entity's page: an IRI of ours with a page of its own kind.
ENTITY_PAGES = {kind: path for kind, path in PAGES.items()
                if path.split("/")[1] in ("id", "ontology", "vocab", "shapes") and "(" not in kind}


def test_every_entity_page_kind_is_checked() -> None:
    assert {"incident", "event series", "claim", "actor", "place", "source", "ontology", "class", "property",
            "concept scheme", "concept", "shape"} <= set(ENTITY_PAGES)


@pytest.mark.parametrize("kind", sorted(ENTITY_PAGES))
def test_entity_page_says_how_to_cite(client: TestClient, kind: str) -> None:
    path = ENTITY_PAGES[kind]
    response = client.get(path, headers={"Accept": BROWSER_ACCEPT})
    assert response.status_code == 200
    soup = BeautifulSoup(response.text, "html.parser")
    sections = soup.select("main section.cite")
    assert len(sections) == 1, kind
    section = sections[0]
    heading = soup.find(id=section["aria-labelledby"])
    assert heading is not None and heading.name == "h2" and heading.get_text() == "How to cite"
    citation = section.select_one("p.citation").get_text(" ", strip=True)
    iri = BASE + path.lstrip("/")
    today = datetime.now(UTC).date()
    assert iri in citation and DATASET_TITLE in citation and DATASET_VERSION in citation
    assert f"(accessed {today.day} {today:%B %Y})" in citation
    label = soup.find("h1").get_text(strip=True)
    assert f"“{label}”" in citation
    # the fixture store is no release's build: the section says so and leads to the releases
    assert section.select_one("p.versioned") is None
    assert "no release holds" in section.get_text(" ", strip=True)
    assert section.select_one('a[href="/releases"]') is not None


def test_pages_that_are_not_an_entitys_have_no_citation(client: TestClient) -> None:
    for path in ("/", "/browse", "/dumps", "/releases", "/search?q=kossiba"):
        soup = BeautifulSoup(client.get(path, headers={"Accept": BROWSER_ACCEPT}).text, "html.parser")
        assert soup.select("section.cite") == [], path
