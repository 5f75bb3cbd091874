"""The competency questions, answered by the shipped example queries over the curated data.

Each test states the answer a researcher should get from the five source
documents, so a change to the data or to a query that alters it fails here.
"""

from __future__ import annotations

import pyoxigraph
import pytest

from project_data import load_project_store, select
from sahel_kg.example_queries import example_query, example_queries

ID = "https://w3id.org/sahel-harm/id/"


@pytest.fixture(scope="module")
def store() -> pyoxigraph.Store:
    return load_project_store()


def run(store: pyoxigraph.Store, slug: str) -> list[dict[str, str]]:
    return select(store, example_query(slug).sparql)


def test_conflicting_fatality_figures_name_incidents_speakers_and_outlets(store: pyoxigraph.Store) -> None:
    rows = run(store, "conflicting-fatality-figures")
    incidents = {r["incident"].removeprefix(ID) for r in rows}
    assert incidents == {"incident/abeibara-area-killings", "incident/amassine-killings"}
    abeibara = {
        (r["speakerLabel"], r.get("low"), r.get("best"), r.get("high"), r["publisherLabel"])
        for r in rows if r["incident"].endswith("abeibara-area-killings")
    }
    # The AP story's capture does not name the website that published it (its publisher is unidentified).
    outlet = "unidentified publisher of “Mali Army and Russian Mercenaries Accused of Killing Dozens of Civilians in Kidal Region”"
    assert abeibara == {
        ("Kal Akal", "60", None, None, outlet),
        ("Hamadine Driss Ag Mohamed", "46", "46", "46", outlet),
        ("The Associated Press", "24", None, None, outlet),
    }
    amassine = {(r["speakerLabel"], r["qualifier"]) for r in rows if r["incident"].endswith("amassine-killings")}
    assert amassine == {
        ("a Malian security source (Amassine, unnamed)", "exactly"),
        ("CSP members and independent contacts close to the rebellion (Amassine, unnamed)", "more than"),
        ("Weafrica24", "at least"),
        ("Weafrica24", "approximately"),
    }


def test_subtotals_do_not_count_as_conflicting_tolls(store: pyoxigraph.Store) -> None:
    # Amnesty's "at least 13, including seven children" is one claim, not a conflict.
    rows = run(store, "conflicting-fatality-figures")
    assert not any(r["incident"].endswith("northern-mali-two-drone-strikes") for r in rows)


def test_malian_army_denials_with_their_words(store: pyoxigraph.Store) -> None:
    rows = run(store, "malian-army-denials")
    got = {(r["speakerLabel"], r["denied"].removeprefix(ID + "claim/")) for r in rows}
    assert got == {
        ("Oumar Diarra", "mali-inv-fla-at-least-24-executed"),
        ("Malian Armed Forces", "mali-inv-repeated-accusations"),
    }
    diarra = next(r for r in rows if r["speakerLabel"] == "Oumar Diarra")
    assert set(diarra["speakerWords"].split(" | ")) == {"unfounded", "terrorist networks, allies, and sponsors"}
    assert "dismissing the allegations as “unfounded.”" in diarra["quote"]


def test_every_claim_about_amassine_has_speaker_and_publisher(store: pyoxigraph.Store) -> None:
    rows = run(store, "claims-about-amassine")
    claims = {r["claim"].removeprefix(ID + "claim/") for r in rows}
    assert claims == {
        "wa24-headline-at-least-29-killed",
        "wa24-approximately-30-killed",
        "wa24-csp-massacre-ethnic-cleansing",
        "wa24-csp-sources-over-30-civilians-killed",
        "wa24-security-source-confirms-29-dead",
        "wa24-security-source-dead-were-terrorists",
    }
    assert {r["publisherLabel"] for r in rows} == {"Weafrica24"}
    stances = {r["claim"].rsplit("/", 1)[1]: r["stanceLabel"] for r in rows}
    assert stances["wa24-security-source-dead-were-terrorists"] == "disputes"
    assert stances["wa24-security-source-confirms-29-dead"] == "confirms"


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        ("2024-05-01", "2024-06-30", {"amassine-killings", "abeibara-area-killings"}),
        ("2024-06-01", "2024-12-31", {"abeibara-area-killings"}),
        ("2024-05-19", "2024-05-19", {"amassine-killings"}),
        ("2023-01-01", "2023-12-31", set()),
    ],
)
def test_kidal_region_incidents_in_a_date_window(
    store: pyoxigraph.Store, start: str, end: str, expected: set[str]
) -> None:
    sparql = example_query("kidal-incidents-in-window").sparql.replace("2024-05-01", start).replace("2024-06-30", end)
    rows = select(store, sparql)
    assert {r["incident"].rsplit("/", 1)[1] for r in rows} == expected


def test_claims_per_source_counts_every_source_graph(store: pyoxigraph.Store) -> None:
    rows = run(store, "claims-per-source")
    per_graph = {r["graph"].rsplit("/", 1)[1]: int(r["claims"]) for r in rows}
    assert set(per_graph) == {
        "ap-abeibara-civilian-killings",
        "mali-investigates-gao-algeria-executions",
        "csp-dpa-accuses-army-wagner",
        "thelocalreport-wagner-hrw-amnesty",
        "weafrica24-amassine-killings",
    }
    assert per_graph["csp-dpa-accuses-army-wagner"] == 1
    assert sum(per_graph.values()) == int(select(store, "SELECT (COUNT(*) AS ?n) { ?c a <https://w3id.org/sahel-harm/ontology/Claim> }")[0]["n"])


@pytest.mark.parametrize("query", example_queries(), ids=lambda q: q.slug)
def test_every_example_query_parses_and_answers(store: pyoxigraph.Store, query) -> None:  # type: ignore[no-untyped-def]
    assert query.title and query.description, "every example needs # title: and # description: lines"
    assert select(store, query.sparql), f"{query.slug} returns nothing on the curated data"
