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
    # the republished AP story's site is not named: its publisher is an unidentified-publisher actor
    site = "unidentified publisher of “Mali Army and Russian Mercenaries Accused of Killing Dozens of Civilians in Kidal Region”"
    assert abeibara == {
        ("Kal Akal", "60", None, None, site),
        ("Hamadine Driss Ag Mohamed", "46", "46", "46", site),
        ("The Associated Press", "24", None, None, site),
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
        "wa24-amassine-follows-pattern",
        "wa24-csp-campaign-ethnic-cleansing",
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
    assert per_graph["csp-dpa-accuses-army-wagner"] == 2
    assert sum(per_graph.values()) == int(select(store, "SELECT (COUNT(*) AS ?n) { ?c a <https://w3id.org/sahel-harm/ontology/Claim> }")[0]["n"])


@pytest.mark.parametrize("query", example_queries(), ids=lambda q: q.slug)
def test_every_example_query_parses_and_answers(store: pyoxigraph.Store, query) -> None:  # type: ignore[no-untyped-def]
    assert query.title and query.description, "every example needs # title: and # description: lines"
    assert select(store, query.sparql), f"{query.slug} returns nothing on the curated data"


# ---------------------------------------------------------------- victims, relations, silence, relays


def test_victims_by_age_group_give_ages_sex_and_what_happened(store: pyoxigraph.Store) -> None:
    rows = run(store, "victims-by-age-group")
    amnesty = next(r for r in rows if r["claim"].endswith("tlr-amnesty-two-drone-strikes-13-killed"))
    assert (amnesty["ageGroup"], amnesty["harm"], amnesty["best"], amnesty["minAge"], amnesty["maxAge"]) == (
        "children", "killed", "7", "2", "17")
    boys = next(r for r in rows if r["claim"].endswith("tlr-hrw-segou-wedding-at-least-7"))
    assert (boys["ageGroup"], boys["sex"], boys["best"]) == ("children", "male", "2")
    raid = {(r["harm"], r.get("best")) for r in rows if r["claim"].endswith("tlr-hrw-january-raid-25-killed")}
    assert raid == {("arrested", "4"), ("killed", "4")}, "the four children are among the dead as well as the arrested"
    elderly = [r for r in rows if r["ageGroup"] == "elderly people"]
    assert [(r["sex"], r["speakerLabel"]) for r in elderly] == [("male", "Hamadine Driss Ag Mohamed")]


def test_related_incidents_name_relations_and_who_states_them(store: pyoxigraph.Store) -> None:
    rows = run(store, "related-incidents")
    got = {(r["event"].rsplit("/", 1)[1], r["relation"], r.get("related", "").rsplit("/", 1)[-1], r.get("statedBy"))
           for r in rows}
    assert ("segou-funeral-drone-strike", "the day after", "segou-wedding-drone-strike", "Human Rights Watch") in got
    assert ("segou-funeral-drone-strike", "targets the aftermath of", "segou-wedding-drone-strike", "Human Rights Watch") in got
    assert ("central-mali-village-raid", "part of the series", "alleged-abuses-malian-forces-wagner", "Human Rights Watch") in got
    several = [r for r in rows if r["relation"] == "one record covering several events"]
    assert [(r["event"].rsplit("/", 1)[1], r["events"], r["statedBy"]) for r in several] == [
        ("northern-mali-drone-strikes", "2", "Amnesty International")]
    assert {r["event"].rsplit("/", 1)[1] for r in rows if r["relation"].startswith("possibly the same")} == {
        "amasrakad-drone-strike", "northern-mali-drone-strikes"}


def test_claims_without_response_show_who_has_not_responded(store: pyoxigraph.Store) -> None:
    rows = run(store, "claims-without-response")
    silent = {(r["claim"].rsplit("/", 1)[1], r["silentParty"]) for r in rows if "silentParty" in r}
    assert silent == {("csp-dpa-army-wagner-targeted-civilians", "Government of Mali")}
    unanswered = {r["claim"].rsplit("/", 1)[1] for r in rows}
    # answered allegations are not listed: denied, disputed or disclaimed
    assert not unanswered & {"mali-inv-fla-at-least-24-executed", "wa24-csp-sources-over-30-civilians-killed",
                             "ap-abeibara-village-chief-spokesman-46-executed"}
    assert "tlr-amnesty-two-drone-strikes-13-killed" in unanswered


def test_who_said_46_has_one_answer(store: pyoxigraph.Store) -> None:
    rows = [r for r in run(store, "who-said-it") if r.get("best") == "46"]
    assert [(r["speakerLabel"], r["onBehalfOfLabel"], r["relayedByLabel"]) for r in rows] == [
        ("Hamadine Driss Ag Mohamed", "village chief of Abeibara", "The Associated Press")]
