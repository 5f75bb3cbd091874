"""``sahel-kg import ucdp-ged|acled``: coded rows as attributed claims, as a researcher runs it.

The fixtures in ``tests/fixtures/imports/`` are in each publisher's column
layout with made-up rows. Every figure asserted here is read back from the CSV
with :mod:`csv` and from the written Turtle with rdflib, never hard-coded.
"""

from __future__ import annotations

import contextlib
import csv
import io
import shutil
from datetime import date
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF

from sahel_kg.cli import main
from sahel_kg.curation.imports.datasets import ACLED, GED
from sahel_kg.curation.imports.matching import window_score
from sahel_kg.curation.terms import SEM, SHG
from sahel_kg.namespaces import PREFIXES
from support.project_data import ROOT, SOURCES_DIR

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "imports"
GED_FILE = FIXTURES / "GEDEvent_v24_1.csv"
ACLED_TEXT = FIXTURES / "acled-mali-text-inter.csv"
ACLED_NUMERIC = FIXTURES / "acled-mali-numeric-inter-bom.csv"
PROV = "http://www.w3.org/ns/prov#"
DCT = "http://purl.org/dc/terms/"
INCIDENT, CLAIM = PREFIXES["incident"], PREFIXES["claim"]


@pytest.fixture()
def project(tmp_path: Path) -> Path:
    """A copy of the checkout's ontology, shapes and curated data, without any import."""
    root = tmp_path / "project"
    for folder in ("ontology", "shapes"):
        shutil.copytree(ROOT / folder, root / folder)
    shutil.copytree(ROOT / "data" / "ttl", root / "data" / "ttl", ignore=shutil.ignore_patterns("imports"))
    shutil.copy(ROOT / "pyproject.toml", root / "pyproject.toml")
    return root


def run(root: Path, *argv: str) -> tuple[int, str, str]:
    """``sahel-kg --root ROOT argv…``: exit status, stdout, stderr."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["--root", str(root), "--sources", str(SOURCES_DIR), *argv])
    return code, out.getvalue(), err.getvalue()


def folder(root: Path, dataset: str) -> Path:
    return root / "data" / "ttl" / "imports" / dataset


def imported(root: Path, dataset: str) -> Graph:
    graph = Graph()
    for path in sorted(folder(root, dataset).glob("*.ttl")):
        graph.parse(path, format="turtle")
    return graph


def csv_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def snapshot(root: Path) -> dict[str, bytes]:
    base = root / "data" / "ttl"
    return {p.relative_to(base).as_posix(): p.read_bytes() for p in sorted(base.rglob("*")) if p.is_file()}


def write_csv(path: Path, columns: tuple[str, ...] | list[str], rows: list[dict[str, str]], bom: bool = False) -> Path:
    with path.open("w", newline="", encoding="utf-8-sig" if bom else "utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(columns))
        writer.writeheader()
        writer.writerows(rows)
    return path


def total_count(graph: Graph, claim: URIRef) -> URIRef:
    totals = [c for c in graph.objects(claim, SHG["count"]) if (c, SHG.subtotal, Literal(True)) not in graph]
    assert len(totals) == 1, claim
    return totals[0]  # type: ignore[return-value]


def integer(graph: Graph, node: object, prop: URIRef) -> int | None:
    value = graph.value(node, prop)  # type: ignore[arg-type]
    return int(value) if value is not None else None


# ---------------------------------------------------------------- what a row becomes


def test_ged_rows_become_claims_attributed_to_ucdp_derived_from_the_release(project: Path) -> None:
    code, out, _err = run(project, "import", "ucdp-ged", str(GED_FILE))
    assert code == 0, out
    graph = imported(project, "ucdp-ged")
    release = URIRef(PREFIXES["source"] + "ucdp-ged-24-1")
    assert (release, RDF.type, SHG.DatasetRelease) in graph
    assert graph.value(release, OWL.versionInfo) == Literal("24.1")
    assert graph.value(release, URIRef(DCT + "license")) == URIRef(GED.license)
    for row in csv_rows(GED_FILE):
        claims = [c for c in graph.subjects(URIRef(DCT + "identifier"), Literal(row["relid"]))
                  if (c, RDF.type, SHG.CodedClaim) in graph]
        assert len(claims) == 1, row["relid"]
        claim = claims[0]
        assert (claim, RDF.type, SHG.Claim) in graph
        assert (claim, URIRef(DCT + "identifier"), Literal(row["id"])) in graph
        assert graph.value(claim, URIRef(PROV + "wasAttributedTo")) == URIRef(PREFIXES["actor"] + "ucdp")
        assert graph.value(claim, URIRef(PROV + "wasDerivedFrom")) == release
        assert str(graph.value(claim, SHG.citedSources)) == row["source_article"]
        total = total_count(graph, claim)
        assert (integer(graph, total, SHG.low), integer(graph, total, SHG.best), integer(graph, total, SHG.high)) == \
            (int(row["low"]), int(row["best"]), int(row["high"]))
        subtotals = [c for c in graph.objects(claim, SHG["count"]) if (c, SHG.subtotal, Literal(True)) in graph]
        assert sorted(integer(graph, c, SHG.best) or 0 for c in subtotals) == sorted(
            int(row[k]) for k in ("deaths_a", "deaths_b", "deaths_civilians", "deaths_unknown"))
        incident = graph.value(claim, SHG.about)
        assert str(graph.value(incident, SEM.hasEarliestBeginTimeStamp)) == row["date_start"][:10]
        assert str(graph.value(incident, SEM.hasLatestEndTimeStamp)) == row["date_end"][:10]


def test_iris_are_derived_from_the_dataset_identifiers(project: Path) -> None:
    run(project, "import", "ucdp-ged", str(GED_FILE))
    graph = imported(project, "ucdp-ged")
    for row in csv_rows(GED_FILE):
        slug = row["relid"].lower()
        assert (URIRef(CLAIM + "ucdp-ged-" + slug), RDF.type, SHG.CodedClaim) in graph
        assert (URIRef(INCIDENT + "ucdp-ged-" + slug), RDF.type, SHG.Incident) in graph
        for side in ("a", "b"):
            created = URIRef(PREFIXES["actor"] + "ucdp-ged-side-" + row[f"side_{side}_new_id"])
            if (created, RDF.type, None) in graph:  # an actor of ours when the name matched one
                assert (created, URIRef(DCT + "identifier"), Literal(row[f"side_{side}_new_id"])) in graph


def test_acled_fatalities_are_a_floor_and_numeric_or_text_actor_types_read_alike(project: Path) -> None:
    code, out, _err = run(project, "import", "acled", str(ACLED_TEXT))
    assert code == 0, out
    text_graph = imported(project, "acled")
    for row in csv_rows(ACLED_TEXT):
        claim = URIRef(CLAIM + "acled-" + row["event_id_cnty"].lower())
        total = total_count(text_graph, claim)
        assert integer(text_graph, total, SHG.low) == int(row["fatalities"])
        assert integer(text_graph, total, SHG.high) is None  # ACLED's figure is the most conservative: no upper bound
        assert text_graph.value(total, SHG.countQualifier) == URIRef(PREFIXES["cqual"] + "at-least")
    events = {p.name: p.read_bytes() for p in folder(project, "acled").glob("events-*.ttl")}
    code, out, _err = run(project, "import", "acled", str(ACLED_NUMERIC))  # the same rows, inter1/inter2 as 0–8
    assert code == 0, out
    assert {p.name: p.read_bytes() for p in folder(project, "acled").glob("events-*.ttl")} == events


def test_the_bom_is_not_part_of_the_first_column(project: Path) -> None:
    assert ACLED_NUMERIC.read_bytes().startswith(b"\xef\xbb\xbf")
    code, out, err = run(project, "import", "acled", str(ACLED_NUMERIC))
    assert code == 0, err
    assert f"{len(csv_rows(ACLED_NUMERIC))} row(s)" in out
    graph = imported(project, "acled")
    assert len(set(graph.subjects(RDF.type, SHG.CodedClaim))) == len(csv_rows(ACLED_NUMERIC))


# ---------------------------------------------------------------- linking, never merging


def test_an_event_at_a_curated_incidents_place_and_date_is_proposed_with_its_score(project: Path) -> None:
    run(project, "import", "ucdp-ged", str(GED_FILE))
    graph = imported(project, "ucdp-ged")
    curated = Graph().parse(project / "data" / "ttl" / "events.ttl", format="turtle")
    proposals = list(graph.subject_objects(SHG.possiblySameIncidentAs))
    assert proposals, "the fixture's Amassine row should be proposed"
    for event, candidate in proposals:
        assert (candidate, RDF.type, SHG.Incident) in curated
        match = next(m for m in graph.objects(event, SHG.proposedMatch)
                     if graph.value(m, SHG.matchCandidate) == candidate)
        score = float(graph.value(match, SHG.matchScore))  # type: ignore[arg-type]
        same_place = graph.value(event, SEM.hasPlace) == curated.value(candidate, SEM.hasPlace)
        timing = window_score(*(date.fromisoformat(str(g.value(i, p))) if g.value(i, p) else None
                                for g, i in ((graph, event), (curated, candidate))
                                for p in (SEM.hasEarliestBeginTimeStamp, SEM.hasLatestEndTimeStamp)))
        assert timing is not None
        assert score == round(0.5 * (1.0 if same_place else 0.5) + 0.5 * timing[0], 2)
    # nothing is merged: curated files are untouched and the curated incident keeps only its own claims
    assert (project / "data" / "ttl" / "events.ttl").read_bytes() == (ROOT / "data" / "ttl" / "events.ttl").read_bytes()


def test_a_confirmed_match_is_kept_across_re_imports_and_not_proposed_again(project: Path, tmp_path: Path) -> None:
    run(project, "import", "ucdp-ged", str(GED_FILE))
    event, candidate = next(imported(project, "ucdp-ged").subject_objects(SHG.possiblySameIncidentAs))
    confirmed = project / "data" / "ttl" / "imports" / "confirmed-matches.ttl"
    confirmed.write_text(f"<{event}> <{SHG.sameIncidentAs}> <{candidate}> .\n", encoding="utf-8")
    before = confirmed.read_bytes()
    code, _out, _err = run(project, "import", "ucdp-ged", str(GED_FILE))
    assert code == 0
    graph = imported(project, "ucdp-ged")
    assert confirmed.read_bytes() == before
    assert (event, SHG.possiblySameIncidentAs, candidate) not in graph
    update = _newer_release(tmp_path)
    code, _out, _err = run(project, "import", "ucdp-ged", str(update))
    assert code == 0
    assert confirmed.read_bytes() == before
    # the confirmed event's claim is shown on the curated incident's page, marked as coded data
    from bs4 import BeautifulSoup

    from support.apps import make_client
    from support.project_data import load_project_store

    claims = {str(c).removeprefix(CLAIM) for c in imported(project, "ucdp-ged").subjects(SHG.about, event)}
    with make_client(load_project_store(project)) as client:
        page = client.get(str(candidate).removeprefix("https://w3id.org/sahel-harm"), headers={"Accept": "text/html"})
    coded = {tr["id"].removeprefix("claim-") for tr in BeautifulSoup(page.text, "html.parser").select("tr.claim")
             if tr.select_one(".badge.coded")}
    assert claims and claims <= coded


def test_an_incident_page_says_which_coded_events_are_only_proposed_and_which_confirmed(project: Path) -> None:
    from bs4 import BeautifulSoup

    from support.apps import make_client
    from support.project_data import load_project_store

    run(project, "import", "ucdp-ged", str(GED_FILE))
    run(project, "import", "acled", str(ACLED_TEXT))
    proposed = sorted((imported(project, "ucdp-ged") + imported(project, "acled")).subject_objects(
        SHG.possiblySameIncidentAs))
    assert len(proposed) >= 2
    kept, confirmed_pair = proposed[1:], proposed[0]
    (project / "data" / "ttl" / "imports" / "confirmed-matches.ttl").write_text(
        f"<{confirmed_pair[0]}> <{SHG.sameIncidentAs}> <{confirmed_pair[1]}> .\n", encoding="utf-8")
    with make_client(load_project_store(project)) as client:
        def note_of(event: object, candidate: object) -> str:
            page = client.get(str(candidate).removeprefix("https://w3id.org/sahel-harm"),
                              headers={"Accept": "text/html"})
            notes = [tr.select_one(".matched-from") for tr in BeautifulSoup(page.text, "html.parser").select("tr.claim")
                     if tr.select_one(f'.matched-from a[href$="{str(event).rsplit("/", 1)[1]}"]')]
            assert notes, (event, candidate)
            return " ".join(n.get_text(" ", strip=True) for n in notes if n is not None)

        assert "confirmed by a curator" in note_of(*confirmed_pair)
        for event, candidate in kept:
            if event == confirmed_pair[0]:
                continue
            text = note_of(event, candidate)
            assert "not confirmed" in text and "confirmed by a curator" not in text


# ---------------------------------------------------------------- re-imports and newer releases


def test_importing_the_same_file_again_changes_no_byte(project: Path) -> None:
    assert run(project, "import", "ucdp-ged", str(GED_FILE))[0] == 0
    assert run(project, "import", "acled", str(ACLED_TEXT))[0] == 0
    first = snapshot(project)
    code, out, _err = run(project, "import", "ucdp-ged", str(GED_FILE))
    assert code == 0 and "nothing changed" in out
    assert run(project, "import", "acled", str(ACLED_TEXT))[0] == 0
    assert snapshot(project) == first


def _newer_release(tmp_path: Path) -> Path:
    """GED 25.1: the first row's toll revised, the second row withdrawn, a new row."""
    rows = csv_rows(GED_FILE)
    revised = dict(rows[0], deaths_civilians="27", best="27", high="32")
    added = dict(rows[2], id="900004", relid="MLI-2024-2-9004", date_start="2024-03-01", date_end="2024-03-01")
    return write_csv(tmp_path / "GEDEvent_v25_1.csv", GED.columns, [revised, rows[2], added])


def test_a_newer_release_updates_rows_and_records_what_changed(project: Path, tmp_path: Path) -> None:
    run(project, "import", "ucdp-ged", str(GED_FILE))
    old_rows, newer = csv_rows(GED_FILE), _newer_release(tmp_path)
    new_rows = csv_rows(newer)
    code, _out, err = run(project, "import", "ucdp-ged", str(newer))
    assert code == 0, err
    graph = imported(project, "ucdp-ged")
    updates = list(graph.subjects(RDF.type, SHG.ReleaseUpdate))
    assert len(updates) == 1
    update = updates[0]
    assert str(graph.value(update, SHG.previousVersion)) == "24.1"
    assert str(graph.value(update, SHG.newVersion)) == "25.1"
    old_ids, new_ids = {r["relid"] for r in old_rows}, {r["relid"] for r in new_rows}
    assert {str(v) for v in graph.objects(update, SHG.addedRecord)} == new_ids - old_ids
    assert {str(v) for v in graph.objects(update, SHG.removedRecord)} == old_ids - new_ids
    changed = {str(v).split(":")[0] for v in graph.objects(update, SHG.changedRecord)}
    assert changed == {r["relid"] for r in new_rows for o in old_rows if r["relid"] == o["relid"] and r != o}
    for relid in old_ids - new_ids:
        assert (URIRef(CLAIM + "ucdp-ged-" + relid.lower()), None, None) not in graph
    for row in new_rows:
        claim = URIRef(CLAIM + "ucdp-ged-" + row["relid"].lower())
        assert integer(graph, total_count(graph, claim), SHG.best) == int(row["best"])
        assert graph.value(claim, URIRef(PROV + "wasDerivedFrom")) == URIRef(PREFIXES["source"] + "ucdp-ged-25-1")
    after = snapshot(project)
    assert run(project, "import", "ucdp-ged", str(newer))[0] == 0
    assert snapshot(project) == after  # the changelog is not written twice


# ---------------------------------------------------------------- bad input: a clear error, nothing lost


def test_an_older_release_over_a_newer_one_is_warned_about(project: Path, tmp_path: Path) -> None:
    code, _out, err = run(project, "import", "ucdp-ged", str(_newer_release(tmp_path)))
    assert code == 0 and "older" not in err
    code, _out, err = run(project, "import", "ucdp-ged", str(GED_FILE))
    assert code == 0 and "warning: version 24.1 is older than the release it replaced (25.1)" in err


def test_a_wrong_header_names_the_missing_and_unexpected_columns(project: Path, tmp_path: Path) -> None:
    rows = csv_rows(GED_FILE)
    columns = [c if c != "best" else "best_estimate" for c in GED.columns]
    bad = write_csv(tmp_path / "GEDEvent_v24_1.csv", columns,
                    [{("best_estimate" if k == "best" else k): v for k, v in r.items()} for r in rows])
    code, _out, err = run(project, "import", "ucdp-ged", str(bad))
    assert code == 2
    assert "missing column(s): best" in err and "unexpected column(s): best_estimate" in err
    assert not folder(project, "ucdp-ged").exists()


def test_a_file_of_the_other_dataset_is_named(project: Path) -> None:
    code, _out, err = run(project, "import", "acled", str(GED_FILE))
    assert code == 2 and "import ucdp-ged" in err
    code, _out, err = run(project, "import", "ucdp-ged", str(ACLED_TEXT), "--version", "1.0")
    assert code == 2 and "import acled" in err
    assert not (project / "data" / "ttl" / "imports").exists()


def test_a_row_with_an_impossible_value_stops_or_is_skipped(project: Path, tmp_path: Path) -> None:
    run(project, "import", "ucdp-ged", str(GED_FILE))
    before = snapshot(project)
    rows = csv_rows(GED_FILE)
    bad_row = 2
    rows[bad_row - 1] = dict(rows[bad_row - 1], best="many")
    bad = write_csv(tmp_path / "GEDEvent_v24_2.csv", GED.columns, rows)
    code, _out, err = run(project, "import", "ucdp-ged", str(bad))
    assert code == 3
    assert f"row {bad_row} (line {bad_row + 1}), column best: 'many'" in err
    assert snapshot(project) == before  # nothing written
    code, _out, err = run(project, "import", "ucdp-ged", str(bad), "--on-error", "skip")
    assert code == 1 and "column best" in err
    graph = imported(project, "ucdp-ged")
    kept = {str(v) for c in graph.subjects(RDF.type, SHG.CodedClaim) for v in graph.objects(c, URIRef(DCT + "identifier"))}
    assert rows[bad_row - 1]["relid"] not in kept
    assert {r["relid"] for i, r in enumerate(rows, 1) if i != bad_row} <= kept


@pytest.mark.parametrize(("column", "value"), [("latitude", "95"), ("date_end", "2020-01-01"), ("where_prec", "9"),
                                               ("deaths_civilians", "-1"), ("low", "40"), ("date_start", "2024-02-30"),
                                               ("date_start", "2024-05-19junk"), ("latitude", "nan")])
def test_each_impossible_ged_value_is_reported_at_its_column(project: Path, tmp_path: Path, column: str,
                                                             value: str) -> None:
    rows = csv_rows(GED_FILE)
    rows[0] = dict(rows[0], **{column: value})
    code, _out, err = run(project, "import", "ucdp-ged", str(write_csv(tmp_path / "g_v24_1.csv", GED.columns, rows)))
    reported = {"low": "best"}.get(column, column)  # low above best is reported where the order breaks: at best
    assert code == 3 and f"row 1 (line 2), column {reported}: " in err


def test_a_point_outside_its_country_is_reported_at_the_row_not_left_to_validate(project: Path,
                                                                                 tmp_path: Path) -> None:
    rows = csv_rows(GED_FILE)
    swapped = dict(rows[0], latitude=rows[0]["longitude"], longitude=rows[0]["latitude"])  # a classic slip
    code, _out, err = run(project, "import", "ucdp-ged",
                          str(write_csv(tmp_path / "g_v24_1.csv", GED.columns, [swapped, *rows[1:]])))
    assert code == 3 and "row 1 (line 2), column latitude, longitude: " in err and "swapped" in err
    assert not (project / "data" / "ttl" / "imports").exists()
    code, _out, err = run(project, "import", "ucdp-ged", str(GED_FILE))
    assert code == 0, err  # the publisher's own points lie in their countries


@pytest.mark.parametrize(("separator", "named"), [(";", "semicolons"), ("\t", "tabs")])
def test_a_file_separated_by_other_than_commas_is_named_so(project: Path, tmp_path: Path, separator: str,
                                                          named: str) -> None:
    path = tmp_path / "GEDEvent_v24_1.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle, delimiter=separator).writerows([GED.columns, *(r.values() for r in csv_rows(GED_FILE))])
    code, _out, err = run(project, "import", "ucdp-ged", str(path))
    assert code == 2 and f"separated by {named}" in err and "missing column" not in err
    assert len(err) < 400  # one sentence, not the 49 column names
    assert not (project / "data" / "ttl" / "imports").exists()


def test_a_latin_1_byte_far_into_the_file_is_named_at_its_real_line(project: Path, tmp_path: Path) -> None:
    rows = csv_rows(GED_FILE)
    many = [dict(rows[1], relid=f"MLI-2023-1-{n}", id=str(n), where_coordinates="Tessalit") for n in range(200)]
    path = tmp_path / "GEDEvent_v24_1.csv"
    write_csv(path, GED.columns, [*many, dict(rows[1], relid="MLI-2023-1-X", where_coordinates="Ségou")])
    data = path.read_bytes().replace("Ségou".encode(), "Ségou".encode("latin-1"))
    path.write_bytes(data)
    bad = data.index(b"\xe9")
    line = data.count(b"\n", 0, bad) + 1
    code, _out, err = run(project, "import", "ucdp-ged", str(path))
    assert code == 2 and f"at byte {bad:,} (line {line})" in err
    assert not (project / "data" / "ttl" / "imports").exists()


def test_two_identifiers_that_would_share_an_iri_are_refused(project: Path, tmp_path: Path) -> None:
    rows = csv_rows(GED_FILE)
    twin = dict(rows[1], relid=rows[0]["relid"].lower().replace("-", "_"), id="999999")
    path = write_csv(tmp_path / "g_v24_1.csv", GED.columns, [*rows, twin])
    code, _out, err = run(project, "import", "ucdp-ged", str(path))
    assert code == 3 and f"row {len(rows) + 1} (line {len(rows) + 2}), column relid: {twin['relid']!r}" in err
    assert f"same IRI as {rows[0]['relid']!r} at row 1" in err
    assert not (project / "data" / "ttl" / "imports").exists()


def test_a_row_over_several_lines_is_reported_at_the_line_it_starts_on(project: Path, tmp_path: Path) -> None:
    rows = csv_rows(GED_FILE)
    rows[0] = dict(rows[0], source_article="Made-up Wire,\n20 May 2024", best="many")
    code, _out, err = run(project, "import", "ucdp-ged", str(write_csv(tmp_path / "g_v24_1.csv", GED.columns, rows)))
    assert code == 3 and "row 1 (line 2), column best: 'many'" in err


@pytest.mark.parametrize(("name", "version"), [("GEDEvent_v24_1.csv", "24.1"), ("GEDEvent_v24_0_3.csv", "24.0.3"),
                                              ("ged-mali-v25_1.csv", "25.1"), ("ged_mali_12_2024.csv", None),
                                              ("export_2024_06.csv", None)])
def test_the_ged_version_is_read_from_a_v_in_the_file_name_only(project: Path, tmp_path: Path, name: str,
                                                                version: str | None) -> None:
    path = tmp_path / name
    shutil.copy(GED_FILE, path)
    code, _out, err = run(project, "import", "ucdp-ged", str(path))
    if version is None:
        assert code == 2 and "--version" in err
        assert not (project / "data" / "ttl" / "imports").exists()
    else:
        assert code == 0, err
        release = URIRef(PREFIXES["source"] + "ucdp-ged-" + version.replace(".", "-"))
        assert imported(project, "ucdp-ged").value(release, OWL.versionInfo) == Literal(version)


def test_blank_lines_are_not_rows(project: Path, tmp_path: Path) -> None:
    padded = tmp_path / "GEDEvent_v24_1.csv"
    padded.write_bytes(GED_FILE.read_bytes() + b"\r\n\r\n")
    code, out, err = run(project, "import", "ucdp-ged", str(padded))
    assert code == 0, err
    claims = set(imported(project, "ucdp-ged").subjects(RDF.type, SHG.CodedClaim))
    assert len(claims) == len(csv_rows(GED_FILE)), out


def test_a_file_without_a_row_to_import_keeps_the_release_in_place(project: Path, tmp_path: Path) -> None:
    run(project, "import", "ucdp-ged", str(GED_FILE))
    before = snapshot(project)
    header_only = write_csv(tmp_path / "GEDEvent_v25_1.csv", GED.columns, [])
    code, _out, err = run(project, "import", "ucdp-ged", str(header_only))
    assert code == 2 and "no row to import" in err
    assert snapshot(project) == before
    all_bad = write_csv(tmp_path / "GEDEvent_v25_1.csv", GED.columns,
                        [dict(r, best="many") for r in csv_rows(GED_FILE)])
    code, _out, err = run(project, "import", "ucdp-ged", str(all_bad), "--on-error", "skip")
    assert code == 3 and "column best" in err and "no row to import" in err
    assert snapshot(project) == before


def test_an_acled_row_with_an_unknown_actor_type_is_reported(project: Path, tmp_path: Path) -> None:
    rows = csv_rows(ACLED_TEXT)
    rows[1] = dict(rows[1], inter1="11")
    code, _out, err = run(project, "import", "acled", str(write_csv(tmp_path / "a.csv", ACLED.columns, rows)))
    assert code == 3 and "row 2 (line 3), column inter1: '11'" in err


# ---------------------------------------------------------------- the imported data is valid and served


def test_imported_data_passes_validate(project: Path) -> None:
    assert run(project, "import", "ucdp-ged", str(GED_FILE))[0] == 0
    assert run(project, "import", "acled", str(ACLED_NUMERIC))[0] == 0
    code, out, err = run(project, "validate")
    assert code == 0, out + err


def test_incident_pages_show_the_coded_claims_beside_the_sources(project: Path) -> None:
    from bs4 import BeautifulSoup

    from support.apps import make_client
    from support.project_data import load_project_store

    run(project, "import", "ucdp-ged", str(GED_FILE))
    run(project, "import", "acled", str(ACLED_TEXT))
    graph = imported(project, "ucdp-ged") + imported(project, "acled")
    store = load_project_store(project)
    with make_client(store) as client:
        for event, candidate in graph.subject_objects(SHG.possiblySameIncidentAs):
            response = client.get(str(candidate).removeprefix("https://w3id.org/sahel-harm"),
                                  headers={"Accept": "text/html"})
            assert response.status_code == 200
            soup = BeautifulSoup(response.text, "html.parser")
            coded = [tr for tr in soup.select("table.claims tr.claim") if tr.select_one(".badge.coded")]
            claims_about = {str(c) for c in graph.subjects(SHG.about, event)}
            assert {tr["id"].removeprefix("claim-") for tr in coded} >= {c.removeprefix(CLAIM) for c in claims_about}
            sourced = [tr for tr in soup.select("table.claims tr.claim") if not tr.select_one(".badge.coded")]
            assert sourced, "the sources' own claims are still there"
        for claim in graph.subjects(RDF.type, SHG.CodedClaim):
            response = client.get(str(claim).removeprefix("https://w3id.org/sahel-harm"), headers={"Accept": "text/html"})
            assert response.status_code == 200 and "coded data" in response.text


def test_the_benchmarks_synthetic_ged_file_imports_without_a_bad_row(project: Path, tmp_path: Path) -> None:
    from sahel_kg.devtools.import_bench import write_ged

    rows = 300
    path = write_ged(tmp_path / "GEDEvent_v99_1.csv", rows, seed=3)
    assert write_ged(tmp_path / "again" / "GEDEvent_v99_1.csv", rows, seed=3).read_bytes() == path.read_bytes()
    code, out, err = run(project, "import", "ucdp-ged", str(path), "--chunk-rows", "100")
    assert code == 0, err
    assert len(list(folder(project, "ucdp-ged").glob("events-*.ttl"))) == 3
    graph = imported(project, "ucdp-ged")
    assert len(set(graph.subjects(RDF.type, SHG.CodedClaim))) == rows
