"""The exports, on the curated data and on a synthetic corpus: shape, one row per incident or claim, and
the toll rules checked against figures computed independently with rdflib."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pandas as pd
import pyoxigraph
import pytest
import rdflib

from sahel_kg.devtools.synthetic import generate
from sahel_kg.exports import acled, claims, ged
from sahel_kg.exports.records import BATCH, ClaimRecord, Count, Document, IncidentRecord, Term, incident_records
from sahel_kg.exports.registry import EXPORTS
from sahel_kg.exports.table import csv_chunks, json_chunks
from sahel_kg.project import turtle_files
from sahel_kg.store.backend import EmbeddedBackend
from support.project_data import ROOT, load_project_store

#: ACLED's columns, in ACLED's order (ACLED codebook).
ACLED_31 = ("event_id_cnty event_date year time_precision disorder_type event_type sub_event_type actor1 "
            "assoc_actor_1 inter1 actor2 assoc_actor_2 inter2 interaction civilian_targeting iso region country "
            "admin1 admin2 admin3 location latitude longitude geo_precision source source_scale notes fatalities "
            "tags timestamp").split()
#: UCDP GED's 49 columns, in GED's order (UCDP GED codebook).
GED_49 = ("id relid year active_year code_status type_of_violence conflict_dset_id conflict_new_id conflict_name "
          "dyad_dset_id dyad_new_id dyad_name side_a_dset_id side_a_new_id side_a side_b_dset_id side_b_new_id side_b "
          "number_of_sources source_article source_office source_date source_headline source_original where_prec "
          "where_coordinates where_description adm_1 adm_2 latitude longitude geom_wkt priogrid_gid country "
          "country_id region event_clarity date_prec date_start date_end deaths_a deaths_b deaths_civilians "
          "deaths_unknown best high low gwnoa gwnob").split()

PREFIXES = """PREFIX shg: <https://w3id.org/sahel-harm/ontology/> PREFIX ctype: <https://w3id.org/sahel-harm/vocab/count-type/>
PREFIX cqual: <https://w3id.org/sahel-harm/vocab/count-qualifier/> PREFIX stance: <https://w3id.org/sahel-harm/vocab/stance/>
"""
#: The tolls of each incident, read by rdflib: whole-toll killed counts of claims that do not deny.
TOLLS = PREFIXES + """SELECT ?i ?n ?low ?best ?high ?q WHERE {
  ?i a shg:Incident . ?c a shg:Claim ; shg:about ?i ; shg:count ?n . ?n shg:countType ctype:killed .
  FILTER NOT EXISTS { ?c shg:stance stance:denies } FILTER NOT EXISTS { ?n shg:subtotal true }
  OPTIONAL { ?n shg:low ?low } OPTIONAL { ?n shg:best ?best } OPTIONAL { ?n shg:high ?high }
  OPTIONAL { ?n shg:countQualifier ?q } }"""


def rdflib_union(root: Path) -> rdflib.Graph:
    graph = rdflib.Graph()
    for tf in turtle_files(root):
        if tf.kind == "data":
            graph.parse(tf.path, format="turtle")
    return graph


def expected_tolls(graph: rdflib.Graph) -> dict[str, dict[str, int | None]]:
    """Per incident: ACLED's lowest floor ("dozens" as 12), GED's lowest floor and highest stated figure."""
    out: dict[str, dict[str, list[int]]] = {}
    for row in graph.query(TOLLS):
        i, low, best, high, q = (row[k] for k in ("i", "low", "best", "high", "q"))
        figures = out.setdefault(str(i), {"acled": [], "low": [], "high": []})
        floor = low if low is not None else best
        if floor is not None:
            figures["low"].append(int(floor))
        dozens = q is not None and str(q).endswith("/dozens")
        if dozens or floor is not None:
            figures["acled"].append(12 if dozens else int(floor))
        top = next((int(x) for x in (high, best, low) if x is not None), None)
        if top is not None:
            figures["high"].append(top)
    return {i: {"acled": min(f["acled"], default=None), "low": min(f["low"], default=None),
                "high": max(f["high"], default=None)} for i, f in out.items()}


def text(value: int | None) -> str:
    return "" if value is None else str(value)


def incidents_of(graph: rdflib.Graph) -> set[str]:
    return {str(r[0]) for r in graph.query(PREFIXES + "SELECT ?i WHERE { ?i a shg:Incident }")}


def read(name: str, backend: EmbeddedBackend) -> tuple[list[str], list[dict[str, str]]]:
    text = "".join(EXPORTS[name].write(backend))
    reader = csv.DictReader(io.StringIO(text, newline=""))
    return list(reader.fieldnames or []), list(reader)


# ---------------------------------------------------------------- curated data

@pytest.fixture(scope="module")
def backend() -> EmbeddedBackend:
    return EmbeddedBackend(load_project_store())


@pytest.fixture(scope="module")
def graph() -> rdflib.Graph:
    return rdflib_union(ROOT)


def test_acled_has_acleds_31_columns_in_order_and_one_row_per_incident(backend: EmbeddedBackend,
                                                                        graph: rdflib.Graph) -> None:
    header, rows = read("acled", backend)
    assert header == ACLED_31
    ids = [r["event_id_cnty"] for r in rows]
    assert len(ids) == len(set(ids)) and set(ids) == incidents_of(graph)


def test_acled_fatalities_is_the_lowest_floor_with_dozens_as_12(backend: EmbeddedBackend, graph: rdflib.Graph) -> None:
    expected = expected_tolls(graph)
    _, rows = read("acled", backend)
    assert any(r["fatalities"] for r in rows)
    for r in rows:
        want = expected.get(r["event_id_cnty"], {}).get("acled")
        assert r["fatalities"] == ("" if want is None else str(want)), r["event_id_cnty"]


def test_ged_columns_are_geds_in_its_order_and_low_high_follow_the_claims(backend: EmbeddedBackend,
                                                                         graph: rdflib.Graph) -> None:
    header, rows = read("ucdp-ged", backend)
    assert set(header) <= set(GED_49) and header == sorted(header, key=GED_49.index)
    assert {"low", "best", "high", "where_prec", "date_prec", "event_clarity", "date_start", "date_end", "side_a",
            "side_b", "source_article"} <= set(header)
    assert {r["id"] for r in rows} == incidents_of(graph)
    expected = expected_tolls(graph)
    for r in rows:
        want = expected.get(r["id"], {})
        assert r["low"] == text(want.get("low")), r["id"]
        assert r["high"] == text(want.get("high")), r["id"]
        assert r["best"] in ("", r["low"]) and (r["best"] == "" or r["low"] == r["high"])
        assert r["where_prec"] in ("", "1", "2", "3", "4", "5", "6", "7")
        assert r["date_prec"] in ("", "1", "2", "3", "4", "5")


def test_a_dozens_toll_reads_12_for_acled_and_24_for_ged(backend: EmbeddedBackend, graph: rdflib.Graph) -> None:
    dozens = {str(r[0]) for r in graph.query(TOLLS.replace("SELECT ?i ?n ?low ?best ?high ?q", "SELECT DISTINCT ?i")
                                              .replace("OPTIONAL { ?n shg:countQualifier ?q } }",
                                                       "?n shg:countQualifier cqual:dozens }"))}
    if not dozens:
        pytest.skip("no incident of the curated data has a 'dozens' toll")
    acled_rows = {r["event_id_cnty"]: r for r in read("acled", backend)[1]}
    ged_rows = {r["id"]: r for r in read("ucdp-ged", backend)[1]}
    for iri in dozens:
        assert acled_rows[iri]["fatalities"] == "12"
        assert int(ged_rows[iri]["low"]) <= 24


INFERRED_WINDOWS = """PREFIX shg: <https://w3id.org/sahel-harm/ontology/> PREFIX sem: <http://semanticweb.cs.vu.nl/2009/11/sem/>
SELECT ?i ?why WHERE { ?i a shg:Incident ; shg:curatorInference ?n . ?n shg:inferredProperty ?p ; shg:reasoning ?why .
  FILTER(?p IN (sem:hasEarliestBeginTimeStamp, sem:hasLatestEndTimeStamp)) }"""


def test_acled_notes_say_when_the_curator_inferred_the_dates(backend: EmbeddedBackend, graph: rdflib.Graph) -> None:
    """An event_date the sources do not give is not passed off as reported: the note carries the curator's reasoning."""
    inferred: dict[str, set[str]] = {}
    for i, why in graph.query(INFERRED_WINDOWS):
        inferred.setdefault(str(i), set()).add(str(why))
    _, rows = read("acled", backend)
    assert inferred and any(r["event_date"] for r in rows if r["event_id_cnty"] in inferred)
    for r in rows:
        for why in inferred.get(r["event_id_cnty"], set()):
            assert acled.DATE_INFERRED in r["notes"] and why in r["notes"]
        if r["event_id_cnty"] not in inferred:
            assert acled.DATE_INFERRED not in r["notes"]


def test_claims_table_has_one_row_per_claim_about_each_incident(backend: EmbeddedBackend, graph: rdflib.Graph) -> None:
    header, rows = read("claims", backend)
    assert header == list(claims.COLUMNS)
    pairs = {(str(r[0]), str(r[1])) for r in graph.query(
        PREFIXES + "SELECT ?i ?c WHERE { ?i a shg:Incident . ?c a shg:Claim ; shg:about ?i }")}
    got = [(r["incident"], r["claim"]) for r in rows]
    assert len(got) == len(set(got)) and set(got) == pairs
    speakers = {(str(r[0]), str(r[1])) for r in graph.query(
        "SELECT ?c ?s WHERE { ?c <http://www.w3.org/ns/prov#wasAttributedTo> ?s }")}
    for r in rows:
        assert all((r["claim"], s) in speakers for s in r["speaker_iri"].split(" | ") if s)


def test_every_export_parses_with_pandas_to_as_many_rows(backend: EmbeddedBackend) -> None:
    for name in EXPORTS:
        text = "".join(EXPORTS[name].write(backend))
        frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
        _, rows = read(name, backend)
        assert len(frame) == len(rows) and list(frame.columns) == read(name, backend)[0]


def test_small_batches_give_the_same_records_as_one(backend: EmbeddedBackend) -> None:
    one = [acled.row(i) for i in incident_records(backend, batch=BATCH)]
    small = [acled.row(i) for i in incident_records(backend, batch=2)]
    assert one == small and len(one) > 2


# ---------------------------------------------------------------- quoting and streaming

def _record(quote: str) -> IncidentRecord:
    doc = Document("https://w3id.org/sahel-harm/id/source/d", 'A "title", with a comma', [], [], "2024-01-01",
                   None, None, [], [])
    claim = ClaimRecord("https://w3id.org/sahel-harm/id/claim/c", "c", [Term("x/a", "Speaker, A")], [], [], None,
                        [Count("killed", Term("x/at-least", "at least"), 3, None, None, False)], [], [], [], [], [],
                        [quote, "second\nquote"], doc, [])
    return IncidentRecord("https://w3id.org/sahel-harm/id/incident/i", "Label, with comma", "", None, None, None,
                          None, "", "", [], [claim])


def test_commas_quotes_and_line_breaks_survive_csv_and_json() -> None:
    quote = 'He said "they came at dawn", then,\r\nleft; all of it.'
    record = _record(quote)
    text = "".join(csv_chunks(claims.COLUMNS, claims.rows(record)))
    (row,) = list(csv.DictReader(io.StringIO(text, newline="")))
    assert row["quote"] == quote + "\nsecond\nquote"
    assert row["speaker"] == "Speaker, A" and row["document"] == 'A "title", with a comma'
    frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    assert frame.loc[0, "quote"] == row["quote"]
    (obj,) = json.loads("".join(json_chunks(claims.COLUMNS, claims.rows(record))))
    assert obj["quote"] == row["quote"] and list(obj) == list(claims.COLUMNS)


@pytest.mark.parametrize("quote", ['=HYPERLINK("http://example.org/x","click")', "+33 1 23", "-- said the army",
                                   "@SUM(A1:A9)", "\tcmd|' /C calc'!A0"])
def test_a_cell_a_spreadsheet_would_run_as_a_formula_is_read_as_text(quote: str) -> None:
    """In the CSV the cell starts with ' (a spreadsheet shows it as text); JSON keeps the quote as it is."""
    record = _record(quote)
    text = "".join(csv_chunks(claims.COLUMNS, claims.rows(record)))
    (row,) = list(csv.DictReader(io.StringIO(text, newline="")))
    assert row["quote"] == "'" + quote + "\nsecond\nquote"
    assert all(not cell.startswith(("=", "+", "-", "@", "\t", "\r")) for cell in row.values())
    (obj,) = json.loads("".join(json_chunks(claims.COLUMNS, claims.rows(record))))
    assert obj["quote"].startswith(quote)


def test_negative_numbers_stay_numbers_in_csv() -> None:
    text = "".join(csv_chunks(("latitude", "longitude", "label"), [["13.45", "-6.25", "Ségou"], ["-0.5", "+1", "x"]]))
    frame = pd.read_csv(io.StringIO(text))
    assert frame["longitude"].tolist() == [-6.25, 1.0] and frame["latitude"].tolist() == [13.45, -0.5]
    assert frame["label"].tolist() == ["Ségou", "x"]


def test_csv_is_written_in_chunks_not_one_string() -> None:
    chunks = list(csv_chunks(("a",), ([str(n)] for n in range(1000)), chunk_rows=100))
    assert len(chunks) >= 10 and all(len(c) < 1000 for c in chunks)
    assert list(csv.reader(io.StringIO("".join(chunks))))[1:] == [[str(n)] for n in range(1000)]


def test_rows_are_read_as_they_are_written() -> None:
    """The writer asks for the next incident only when the previous chunk was taken (a lazy pipeline)."""
    taken = []

    def rows() -> object:
        for n in range(500):
            taken.append(n)
            yield [str(n)]

    chunks = csv_chunks(("a",), rows(), chunk_rows=50)  # type: ignore[arg-type]
    next(chunks)
    assert len(taken) < 100


# ---------------------------------------------------------------- synthetic corpus

@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> tuple[EmbeddedBackend, rdflib.Graph]:
    out = tmp_path_factory.mktemp("synth") / "c"
    generate(out, incidents=60, seed=11, root=ROOT)
    store = pyoxigraph.Store()
    for tf in turtle_files(out):
        store.bulk_load(path=str(tf.path), format=pyoxigraph.RdfFormat.TURTLE, to_graph=pyoxigraph.NamedNode(tf.graph_iri))
    return EmbeddedBackend(store), rdflib_union(out)


def test_synthetic_corpus_exports_are_well_formed(synthetic: tuple[EmbeddedBackend, rdflib.Graph]) -> None:
    backend, graph = synthetic
    incidents = incidents_of(graph)
    expected = expected_tolls(graph)
    header, acled_rows = read("acled", backend)
    assert header == ACLED_31 and {r["event_id_cnty"] for r in acled_rows} == incidents == set(
        r["id"] for r in read("ucdp-ged", backend)[1])
    for r in acled_rows:
        want = expected.get(r["event_id_cnty"], {}).get("acled")
        assert r["fatalities"] == ("" if want is None else str(want))
        assert r["time_precision"] in ("", "1", "2", "3") and r["geo_precision"] in ("", "1", "2", "3")
    for r in read("ucdp-ged", backend)[1]:
        want = expected.get(r["id"], {})
        assert (r["low"], r["high"]) == (text(want.get("low")), text(want.get("high")))
        if r["low"]:
            assert int(r["low"]) <= int(r["high"])
    claim_rows = read("claims", backend)[1]
    pairs = {(str(a), str(b)) for a, b in graph.query(
        PREFIXES + "SELECT ?i ?c WHERE { ?i a shg:Incident . ?c a shg:Claim ; shg:about ?i }")}
    assert {(r["incident"], r["claim"]) for r in claim_rows} == pairs and len(claim_rows) == len(pairs)


def test_ged_row_has_as_many_cells_as_columns(synthetic: tuple[EmbeddedBackend, rdflib.Graph]) -> None:
    backend, _ = synthetic
    for record in incident_records(backend, batch=7):
        assert len(ged.row(record)) == len(ged.COLUMNS) and len(acled.row(record)) == len(acled.COLUMNS)
        assert all(len(r) == len(claims.COLUMNS) for r in claims.rows(record))


# ---------------------------------------------------------------- precision codes, case by case

def _incident(begin: str | None, end: str | None, tprec: str, pprec: str = "", place_prec: str = "") -> IncidentRecord:
    from sahel_kg.exports.records import PlaceStep
    places = [PlaceStep("x/p", "P", place_prec, None, None)] if place_prec else []
    return IncidentRecord("x/i", "", "", None, None, begin, end, tprec, pprec, places)


@pytest.mark.parametrize(("begin", "end", "tprec", "acled_code", "ged_code"), [
    ("2024-05-19", "2024-05-19", "day", "1", "1"),
    ("2024-06-20", "2024-06-23", "day", "2", "2"),
    ("2024-06-20", "2024-06-26", "day", "2", "3"),
    ("2024-06-20", "2024-06-29", "day", "3", "4"),
    ("2024-01-01", "2024-01-31", "month", "3", "4"),
    ("2024-01-01", "2024-12-31", "year", "", "5"),
    ("2021-01-01", "2024-12-31", "multi-year", "", ""),
    (None, "2024-12-31", "unknown", "", ""),
])
def test_time_precision_codes(begin: str | None, end: str | None, tprec: str, acled_code: str, ged_code: str) -> None:
    incident = _incident(begin, end, tprec)
    assert str(acled.time_precision(incident) or "") == acled_code
    assert str(ged.date_prec(incident) or "") == ged_code


@pytest.mark.parametrize(("pprec", "place_prec", "acled_code", "ged_code"), [
    ("village", "village", "1", "1"), ("town", "town", "1", "1"), ("area", "village", "2", "2"),
    ("area", "area", "3", "5"), ("region", "region", "3", "4"), ("country", "country", "", "6"),
    ("supranational", "supranational", "", ""), ("", "", "", ""),
])
def test_place_precision_codes(pprec: str, place_prec: str, acled_code: str, ged_code: str) -> None:
    incident = _incident(None, None, "", pprec, place_prec)
    assert str(acled.geo_precision(incident) or "") == acled_code
    assert str(ged.where_prec(incident) or "") == ged_code


def test_unknowns_stay_empty_never_zero() -> None:
    """An incident with no claims, no dates and no place: every computed column of both files is empty."""
    incident = _incident(None, None, "")
    a = dict(zip(acled.COLUMNS, acled.row(incident), strict=True))
    g = dict(zip(ged.COLUMNS, ged.row(incident), strict=True))
    assert a["fatalities"] == a["event_date"] == a["inter1"] == a["actor1"] == a["latitude"] == ""
    assert g["low"] == g["best"] == g["high"] == g["deaths_civilians"] == g["deaths_unknown"] == g["date_prec"] == ""
    assert g["number_of_sources"] == "0"


def test_unquantified_and_subtotal_and_denied_counts_give_no_figure() -> None:
    from sahel_kg.exports.fatalities import acled_fatalities, ged_estimates, toll_counts
    unq = Count("killed", Term("x/unquantified", ""), None, None, None, False)
    part = Count("killed", Term("x/exact", ""), 4, 4, 4, True)
    denied = Count("killed", Term("x/exact", ""), 2, 2, 2, False)
    def claim(stance: str, *counts: Count) -> ClaimRecord:
        return ClaimRecord("c", "", [], [], [], Term("x/" + stance, stance), list(counts), [], [], [], [], [], [],
                           None, [])
    tolls = toll_counts([claim("alleges", unq, part), claim("denies", denied)])
    assert tolls == [unq]
    assert acled_fatalities(tolls) is None and ged_estimates(tolls) == (None, None, None)


def test_a_toll_with_only_a_ceiling_is_no_floor_and_no_agreement() -> None:
    """"Up to 40" (shg:high alone) states no floor: ACLED's fatalities and GED's low stay empty on their own,
    and beside "at least 60" GED's best stays empty: low and high are both 60, but the sources disagree
    (the summary's shg:figuresConflict is true), and GED's best is filled only when they agree."""
    from sahel_kg.exports.fatalities import acled_fatalities, ged_estimates
    up_to_40 = Count("killed", Term("x/more-than", "more-than"), None, None, 40, False)
    at_least_60 = Count("killed", Term("x/at-least", "at-least"), 60, None, None, False)
    exactly_60 = Count("killed", Term("x/exact", "exact"), 60, 60, 60, False)
    assert acled_fatalities([up_to_40]) is None
    assert ged_estimates([up_to_40]) == (None, None, 40)
    assert ged_estimates([up_to_40, at_least_60]) == (60, None, 60)
    assert ged_estimates([up_to_40, exactly_60]) == (60, None, 60)
    assert ged_estimates([exactly_60, at_least_60]) == (60, 60, 60)  # every source's figure is 60
