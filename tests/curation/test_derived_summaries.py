"""The derived summaries of the curated data (and of copies with a new source) against the claims themselves.

Every figure of every summary is computed again here, in Python, from the
claims' triples (never from the derived graph), so the tests assert the
relation, not today's totals. The derived graph is also checked to live only
in the store: no curated file holds a derived statement.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph

from support.curated_projects import Project
from support.project_data import ROOT

SHG = "https://w3id.org/sahel-harm/ontology/"
PROV = "http://www.w3.org/ns/prov#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
DERIVED = "https://w3id.org/sahel-harm/graph/derived"
STANCE = "https://w3id.org/sahel-harm/vocab/stance/"
VSTATUS = "https://w3id.org/sahel-harm/vocab/victim-status/"


def objects(store: pyoxigraph.Store, subject: str | pyoxigraph.BlankNode, predicate: str) -> list[str]:
    node = subject if isinstance(subject, pyoxigraph.BlankNode) else pyoxigraph.NamedNode(subject)
    return [q.object.value for q in store.quads_for_pattern(node, pyoxigraph.NamedNode(predicate), None)
            if q.graph_name != pyoxigraph.NamedNode(DERIVED)]


def curated_subjects(store: pyoxigraph.Store, predicate: str, obj: str) -> set[str]:
    return {q.subject.value for q in store.quads_for_pattern(None, pyoxigraph.NamedNode(predicate), pyoxigraph.NamedNode(obj))
            if q.graph_name != pyoxigraph.NamedNode(DERIVED)}


def summaries(store: pyoxigraph.Store) -> dict[str, dict[str, list[str]]]:
    """Incident IRI → the summary's property local names → values, read from the derived graph."""
    by_node: dict[str, dict[str, list[str]]] = {}
    for q in store.quads_for_pattern(None, None, None, pyoxigraph.NamedNode(DERIVED)):
        if q.subject.value.startswith("https://w3id.org/sahel-harm/id/summary/"):
            by_node.setdefault(q.subject.value, {}).setdefault(q.predicate.value.removeprefix(SHG), []).append(q.object.value)
    return {values["summarises"][0]: values for values in by_node.values()}


def killed_bounds(store: pyoxigraph.Store, claim: str) -> list[tuple[int | None, int | None]]:
    """(floor, ceiling) of each killed count of a claim that is not a subtotal."""
    found = []
    for q in store.quads_for_pattern(pyoxigraph.NamedNode(claim), pyoxigraph.NamedNode(SHG + "count"), None):
        v = {p.predicate.value.removeprefix(SHG): p.object.value for p in store.quads_for_pattern(q.object, None, None)}
        if not v.get("countType", "").endswith("/killed") or v.get("subtotal") in ("true", "1"):
            continue
        floor = int(v["low"]) if "low" in v else int(v["best"]) if "best" in v else None
        closed = v.get("countQualifier", "").rsplit("/", 1)[-1] in ("exact", "approximately")
        ceiling = int(v["high"]) if "high" in v else int(v["best"]) if "best" in v and closed else None
        found.append((floor, ceiling))
    return found


def incidents(store: pyoxigraph.Store) -> set[str]:
    return curated_subjects(store, RDF_TYPE, SHG + "Incident")


def test_every_incident_has_one_summary(project: Project) -> None:
    found = summaries(project.store)
    assert set(found) == incidents(project.store)
    for values in found.values():
        assert values[RDF_TYPE] == [SHG + "IncidentSummary"]
        assert all(len(values[p]) == 1 for p in ("claimCount", "killedFigureCount", "figuresConflict",
                                                  "deniedOrDisputed", "victimStatusContested", "grade"))


def test_counts_of_claims_speakers_documents_and_publishers(project: Project) -> None:
    store = project.store
    for incident, s in summaries(store).items():
        claims = curated_subjects(store, SHG + "about", incident)
        speakers = {a for c in claims for a in objects(store, c, PROV + "wasAttributedTo")}
        documents = {d for c in claims for d in objects(store, c, PROV + "wasDerivedFrom")}
        publishers = {p for d in documents for p in objects(store, d, "http://purl.org/dc/terms/publisher")}
        assert [int(s[k][0]) for k in ("claimCount", "speakerCount", "documentCount", "publisherCount")] == \
            [len(claims), len(speakers), len(documents), len(publishers)], incident


def test_killed_span_keeps_open_bounds_open_and_counts_unquantified_apart(project: Project) -> None:
    store = project.store
    checked = 0
    for incident, s in summaries(store).items():
        bounds = [b for c in curated_subjects(store, SHG + "about", incident) for b in killed_bounds(store, c)]
        figured = [(f, c) for f, c in bounds if f is not None or c is not None]  # "up to 40" has only a ceiling
        assert int(s["killedFigureCount"][0]) == len(figured), incident
        assert int(s["killedUnquantifiedCount"][0]) == len(bounds) - len(figured), incident
        if not figured:
            assert "killedLowest" not in s and "killedHighest" not in s, incident
            continue
        floors = [f for f, _ in figured if f is not None]
        tops = [(c, False) if c is not None else (f, True) for f, c in figured]
        highest = max(t for t, _ in tops if t is not None)
        if floors:
            assert int(s["killedLowest"][0]) == min(floors) <= highest, incident
        else:
            assert "killedLowest" not in s, incident
        assert int(s["killedHighest"][0]) == highest, incident
        assert (s["killedHighestIsOpen"][0] == "true") == any(is_open and t == highest for t, is_open in tops), incident
        ceilings = [c for _, c in figured if c is not None]
        conflict = bool(ceilings) and bool(floors) and max(floors) > min(ceilings)
        assert (s["figuresConflict"][0] == "true") == conflict, incident
        checked += 1
    assert checked  # the curated data has killed figures


def test_denials_and_disputes_and_contested_status(project: Project) -> None:
    store = project.store
    for incident, s in summaries(store).items():
        about = curated_subjects(store, SHG + "about", incident)
        answering = {r for c in about for r in curated_subjects(store, SHG + "respondsTo", c)}
        disputing = {c for c in about | answering
                     if set(objects(store, c, SHG + "stance")) & {STANCE + "denies", STANCE + "disputes"}}
        assert (s["deniedOrDisputed"][0] == "true") == bool(disputing), incident
        speakers = {a for c in disputing for a in objects(store, c, PROV + "wasAttributedTo")}
        assert speakers <= set(s.get("disputingParty", [])), incident
        statuses = {v for c in about for v in objects(store, c, SHG + "victimStatus")}
        contested = bool(statuses & {VSTATUS + "civilians", VSTATUS + "mixed"}) and VSTATUS + "combatants" in statuses
        assert (s["victimStatusContested"][0] == "true") == contested, incident


def test_grades_are_concepts_of_the_grade_scheme_and_discounted_means_combatants_only(project: Project) -> None:
    store = project.store
    scheme = "https://w3id.org/sahel-harm/vocab/grade"
    grades = curated_subjects(store, "http://www.w3.org/2004/02/skos/core#inScheme", scheme)
    assert len(grades) == 5
    for incident, s in summaries(store).items():
        assert s["grade"][0] in grades, incident
        about = curated_subjects(store, SHG + "about", incident)
        statuses = {v for c in about for v in objects(store, c, SHG + "victimStatus")}
        only_combatants = VSTATUS + "combatants" in statuses and not statuses & {VSTATUS + "civilians", VSTATUS + "mixed"}
        assert (s["grade"][0] == scheme + "/discounted") == only_combatants, incident


def test_no_curated_file_holds_a_derived_statement() -> None:
    for path in sorted((ROOT / "data").rglob("*.ttl")):
        text = path.read_text(encoding="utf-8")
        for derived in ("graph/derived", "IncidentSummary", "/id/summary/", "shg:summarises", "shg:grade", "/id/build/"):
            assert derived not in text, f"{path.relative_to(ROOT)} holds {derived!r}"


def test_the_built_store_holds_the_derived_graph_and_no_file_graph_holds_a_summary(tmp_path: Path) -> None:
    from sahel_kg.curation.build import build_store
    from sahel_kg.store.ondisk import open_read_only

    pointer = tmp_path / "store"
    result = build_store(ROOT, pointer, force=True, log=lambda m: None)
    assert result.status == "built", result.message
    store = open_read_only(pointer)
    summary_graphs = {q.graph_name.value for q in store.quads_for_pattern(
        None, pyoxigraph.NamedNode(RDF_TYPE), pyoxigraph.NamedNode(SHG + "IncidentSummary"))}
    assert summary_graphs == {DERIVED}


def test_the_derived_graph_conforms_to_the_summary_shapes(project: Project) -> None:
    """The summary shapes (derive/summary-shapes.ttl) over the curated data, its ontology and what the build
    derived from them."""
    import pyshacl
    import rdflib

    # the union of every graph, as the store serves it
    lines = "\n".join(f"{q.subject} {q.predicate} {q.object} ." for q in project.store)
    union = rdflib.Graph().parse(data=lines, format="nt")
    shapes = rdflib.Graph().parse(ROOT / "server" / "sahel_kg" / "derive" / "summary-shapes.ttl")
    conforms, _, report = pyshacl.validate(union, shacl_graph=shapes, inference="rdfs")
    assert conforms, report
    summaries_seen = set(union.subjects(rdflib.RDF.type, rdflib.URIRef(SHG + "IncidentSummary")))
    assert summaries_seen  # the shapes had targets
