"""The vendored browser files: each with its licence, pinned by the lock file, and the base map holding Mali.

scripts/vendor-js.sh rebuilds them from the npm registry; these checks need no network.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
VENDOR = ROOT / "server" / "sahel_kg" / "pages" / "static" / "vendor"
LOCK = ROOT / "tools" / "vendor-js" / "package-lock.json"


def _locked() -> dict[str, str]:
    packages = json.loads(LOCK.read_text(encoding="utf-8"))["packages"]
    return {name.removeprefix("node_modules/"): p["version"] for name, p in packages.items() if name}


@pytest.mark.parametrize("folder", sorted(p.name for p in VENDOR.iterdir()))
def test_every_vendored_folder_has_its_licence(folder: str) -> None:
    licence = VENDOR / folder / "LICENSE"
    assert licence.is_file() and len(licence.read_text(encoding="utf-8")) > 200


def test_editor_licence_names_the_locked_versions() -> None:
    text = (VENDOR / "sparql-editor" / "LICENSE").read_text(encoding="utf-8")
    named = dict(re.findall(r"^== (\S+) (\S+) ==$", text, re.M))
    locked = _locked()
    assert {"codemirror", "@codemirror/legacy-modes", "@codemirror/autocomplete"} <= set(named)
    assert all(locked[name] == version for name, version in named.items()), (named, locked)


def test_leaflet_is_the_locked_release() -> None:
    head = (VENDOR / "leaflet" / "leaflet.js").read_text(encoding="utf-8")[:300]
    assert f"Leaflet {_locked()['leaflet']}" in head


def _inside(point: tuple[float, float], ring: list[list[float]]) -> bool:
    """Ray casting: whether (lon, lat) is inside the polygon ring."""
    x, y = point
    inside = False
    for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1], strict=True):
        if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
            inside = not inside
    return inside


def _contains(geometry: dict[str, object], point: tuple[float, float]) -> bool:
    polygons = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
    return any(_inside(point, polygon[0]) for polygon in polygons)  # type: ignore[index, union-attr]


def test_base_map_has_malis_regions_where_their_capitals_are() -> None:
    geo = json.loads((VENDOR / "geo" / "mali.geojson").read_text(encoding="utf-8"))
    assert "Natural Earth" in geo["source"]
    regions = {f["properties"]["name"]: f["geometry"] for f in geo["features"] if f["properties"]["kind"] == "region"}
    assert {"Kidal", "Gao", "Timbuktu", "Mopti", "Ségou", "Kayes", "Koulikoro", "Bamako"} <= set(regions)
    towns = {"Kidal": (1.41, 18.44), "Gao": (-0.04, 16.27), "Mopti": (-4.20, 14.49), "Kayes": (-11.43, 14.45)}
    for name, town in towns.items():  # (lon, lat) of each region's capital, from any atlas
        assert _contains(regions[name], town), name
        assert not any(_contains(g, town) for other, g in regions.items() if other != name), name
    countries = {f["properties"]["name"]: f["geometry"] for f in geo["features"] if f["properties"]["kind"] == "country"}
    assert _contains(countries["Mali"], towns["Gao"]) and not _contains(countries["Niger"], towns["Gao"])
