"""Fidelity: the curated data says what the source sentences say, no more and no less.

One group of tests per kind of error the fidelity audit (issue 14) found, each
written so that the error it fixed would fail it again:

- a response's stance matches what it answers;
- methods, harms and victims are recorded where the quoted sentence states them;
- an attribution never widens what the speaker said;
- incidents hold identity only, in their labels and slugs too;
- the same thing is recorded the same way in every document.

Every sentence being quoted or marked is tested in ``test_coverage.py``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import pyoxigraph
import pytest

from support.project_data import load_project_store, select

P = """
PREFIX shg: <https://w3id.org/sahel-harm/ontology/>
PREFIX stance: <https://w3id.org/sahel-harm/vocab/stance/>
PREFIX ctype: <https://w3id.org/sahel-harm/vocab/count-type/>
PREFIX cqual: <https://w3id.org/sahel-harm/vocab/count-qualifier/>
PREFIX method: <https://w3id.org/sahel-harm/vocab/method/>
PREFIX agegrp: <https://w3id.org/sahel-harm/vocab/age-group/>
PREFIX sex: <https://w3id.org/sahel-harm/vocab/sex/>
PREFIX vstatus: <https://w3id.org/sahel-harm/vocab/victim-status/>
PREFIX pprec: <https://w3id.org/sahel-harm/vocab/place-precision/>
PREFIX tprec: <https://w3id.org/sahel-harm/vocab/time-precision/>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX oa: <http://www.w3.org/ns/oa#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX schema: <https://schema.org/>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX sem: <http://semanticweb.cs.vu.nl/2009/11/sem/>
"""


@pytest.fixture(scope="module")
def store() -> pyoxigraph.Store:
    return load_project_store()


def q(store: pyoxigraph.Store, body: str) -> list[dict[str, str]]:
    return select(store, P + body)


def short(iri: str) -> str:
    return iri.rsplit("/", 1)[-1]


def claim_quotes(store: pyoxigraph.Store) -> dict[str, str]:
    """Every claim's quotes, joined: what the source sentences say."""
    rows = q(store, "SELECT ?c ?e { ?c a shg:Claim ; shg:quote/oa:exact ?e }")
    quotes: dict[str, list[str]] = {}
    for r in rows:
        quotes.setdefault(r["c"], []).append(r["e"])
    return {c: " ".join(sorted(v)) for c, v in quotes.items()}


def claims_with(store: pyoxigraph.Store, pattern: str) -> set[str]:
    """Claims matching a SPARQL pattern over ``?c``."""
    return {r["c"] for r in q(store, f"SELECT DISTINCT ?c {{ {pattern} }}")}


# ---------------------------------------------------------------- a response's stance matches what it answers


def test_a_confirmation_never_answers_a_toll_it_contradicts(store: pyoxigraph.Store) -> None:
    """Source 004: a security source "confirmed a death toll of 29" but the CSP sources say "over 30"."""
    rows = q(store, """
        SELECT ?c ?target {
          ?c shg:stance stance:confirms ; shg:respondsTo ?target ; shg:count ?mine .
          ?target shg:count ?theirs .
          ?mine shg:countType ctype:killed . ?theirs shg:countType ctype:killed .
          FILTER NOT EXISTS { ?mine shg:subtotal true } FILTER NOT EXISTS { ?theirs shg:subtotal true }
          OPTIONAL { ?mine shg:low ?ml } OPTIONAL { ?mine shg:high ?mh }
          OPTIONAL { ?theirs shg:low ?tl } OPTIONAL { ?theirs shg:high ?th }
          FILTER ((BOUND(?mh) && BOUND(?tl) && ?mh < ?tl) || (BOUND(?th) && BOUND(?ml) && ?th < ?ml))
        }""")
    assert rows == []


def test_a_confirmation_never_answers_a_victim_status_its_speaker_disputes(store: pyoxigraph.Store) -> None:
    """Source 004: the same security source calls the dead armed "terrorists"."""
    rows = q(store, """
        SELECT ?c ?target {
          ?c shg:stance stance:confirms ; shg:respondsTo ?target ; prov:wasAttributedTo ?sp ; prov:wasDerivedFrom ?d ; shg:about ?e .
          ?target shg:victimStatus ?theirs . FILTER (?theirs != vstatus:unspecified)
          ?same prov:wasAttributedTo ?sp ; prov:wasDerivedFrom ?d ; shg:about ?e ; shg:victimStatus ?mine .
          FILTER (?mine != ?theirs)
        }""")
    assert rows == []


def test_the_security_source_confirms_deaths_and_disputes_civilian_status(store: pyoxigraph.Store) -> None:
    rows = q(store, """
        SELECT ?c ?stance ?target {
          ?c prov:wasAttributedTo <https://w3id.org/sahel-harm/id/actor/anonymous-amassine-malian-security-source> ;
             shg:stance ?stance ; shg:respondsTo ?target .
        }""")
    got = {(short(r["c"]), short(r["stance"]), short(r["target"])) for r in rows}
    assert got == {
        ("wa24-security-source-confirms-29-dead", "confirms", "wa24-approximately-30-killed"),
        ("wa24-security-source-dead-were-terrorists", "disputes", "wa24-csp-massacre-ethnic-cleansing"),
        ("wa24-security-source-dead-were-terrorists", "disputes", "wa24-csp-sources-over-30-civilians-killed"),
    }


def test_silence_is_a_stance_not_a_comment(store: pyoxigraph.Store) -> None:
    """Source 002: "The Malian government has yet to respond to these claims" is a no-response claim."""
    silent = q(store, """
        SELECT ?c ?party ?target { ?c shg:stance stance:no-response ; shg:nonRespondent ?party ; shg:respondsTo ?target }""")
    assert {(short(r["party"]), short(r["target"])) for r in silent} == {
        ("government-of-mali", "csp-dpa-army-wagner-targeted-civilians")}
    in_comments = q(store, """
        SELECT ?c { ?c a shg:Claim ; rdfs:comment ?note .
          FILTER (REGEX(?note, "(yet to respond|has not responded|did not respond)", "i"))
          FILTER NOT EXISTS { ?c shg:stance stance:no-response } }""")
    assert in_comments == [], "a stated silence belongs in a no-response claim"


# ---------------------------------------------------------------- methods, harms and victims where the sentence states them

#: Wording in a quote, and the method (on the claim or one of its counts) it states.
METHOD_WORDS = {
    r"\bexecut|blindfolded": "execution",
    r"\bbehead": "beheading",
    r"burned alive": "burning",
    r"\bgunfire\b|gunshot": "shooting",
    r"drone (strike|attack)": "drone-strike",
}
#: Wording in a quote, and the count type (a harm) it states.
HARM_WORDS = {r"\bloot": "looting", r"on fire\b": "arson", r"miscarriage": "miscarriage", r"\binjured\b": "injured"}


def _has_method(store: pyoxigraph.Store, method: str) -> set[str]:
    return claims_with(store, f"?c shg:method|shg:count/shg:method method:{method}")


def _about_responses_only(store: pyoxigraph.Store) -> set[str]:
    """Claims about investigations or appeals only: the method is coded on the allegation they concern."""
    return claims_with(store, """?c a shg:Claim .
        FILTER NOT EXISTS { ?c shg:about ?e . FILTER NOT EXISTS { ?e a/rdfs:subClassOf* shg:Response } }""")


@pytest.mark.parametrize(("words", "method"), METHOD_WORDS.items(), ids=list(METHOD_WORDS.values()))
def test_a_quoted_method_is_recorded(store: pyoxigraph.Store, words: str, method: str) -> None:
    """Source 004 "others were executed by gunfire"; source 003 "blindfolded … gunshot wounds to their heads"."""
    stated = {c for c, text in claim_quotes(store).items() if re.search(words, text, re.I)}
    exempt = _about_responses_only(store)
    assert sorted(map(short, stated - _has_method(store, method) - exempt)) == []


@pytest.mark.parametrize(("words", "harm"), HARM_WORDS.items(), ids=list(HARM_WORDS.values()))
def test_a_quoted_harm_is_counted(store: pyoxigraph.Store, words: str, harm: str) -> None:
    """Looting, arson and a miscarriage are harms with counts (without a number when none is given)."""
    stated = {c for c, text in claim_quotes(store).items() if re.search(words, text, re.I)}
    counted = claims_with(store, f"?c shg:count/shg:countType ctype:{harm}")
    assert sorted(map(short, stated - counted)) == []


def test_retired_methods_are_no_longer_used(store: pyoxigraph.Store) -> None:
    assert q(store, "SELECT ?c { ?c shg:method|shg:count/shg:method ?m . ?m owl:deprecated true }"
             .replace("SELECT", "PREFIX owl: <http://www.w3.org/2002/07/owl#> SELECT")) == []


#: Wording in a quote, and the victim facet (on the claim or one of its counts) it states.
VICTIM_WORDS = {
    r"\bchildren\b|\bboys\b": ("shg:ageGroup", "agegrp:children"),
    r"\belderly\b": ("shg:ageGroup", "agegrp:elderly"),
    r"\bwom[ae]n\b": ("shg:victimSex", "sex:female"),
    r"\bmale\b|\bmen\b|\bboys\b": ("shg:victimSex", "sex:male"),
}


@pytest.mark.parametrize(("words", "facet"), VICTIM_WORDS.items(), ids=[f"{p}={v}" for p, v in VICTIM_WORDS.values()])
def test_quoted_victims_age_and_sex_are_recorded(store: pyoxigraph.Store, words: str, facet: tuple[str, str]) -> None:
    """Source 004 "over 30 male villagers" is male, not "men" (adults); source 000 "elderly men" is elderly and male."""
    prop, value = facet
    stated = {c for c, text in claim_quotes(store).items() if re.search(words, text)}
    recorded = claims_with(store, f"?c {prop}|shg:count/{prop} {value}")
    assert sorted(map(short, stated - recorded)) == []


def test_quoted_ages_are_recorded(store: pyoxigraph.Store) -> None:
    """Source 003: "seven children aged 2 to 17"."""
    for claim, text in claim_quotes(store).items():
        for low, high in re.findall(r"aged (\d+) to (\d+)", text):
            rows = q(store, f"SELECT ?c {{ <{claim}> shg:count ?c . ?c shg:minAge {low} ; shg:maxAge {high} }}")
            assert rows, f"{short(claim)}: ages {low}–{high} not recorded"


def test_people_arrested_then_found_dead_are_counted_among_the_dead(store: pyoxigraph.Store) -> None:
    """Source 003: 25 arrested, "including four children", and "their bodies were found"."""
    rows = q(store, """
        SELECT ?c ?group ?n {
          ?c shg:count ?arrested , ?killed .
          ?arrested shg:countType ctype:arrested ; shg:best ?total . FILTER NOT EXISTS { ?arrested shg:subtotal true }
          ?killed shg:countType ctype:killed ; shg:best ?total . FILTER NOT EXISTS { ?killed shg:subtotal true }
          ?c shg:count ?part . ?part shg:countType ctype:arrested ; shg:subtotal true ; shg:victimGroup|shg:ageGroup ?group ; shg:best ?n .
          FILTER NOT EXISTS { ?c shg:count ?dead . ?dead shg:countType ctype:killed ; shg:subtotal true ;
                                 shg:victimGroup|shg:ageGroup ?group ; shg:best ?n }
        }""")
    assert rows == []


def test_an_incident_offered_as_an_example_of_killing_civilians_says_so(store: pyoxigraph.Store) -> None:
    """Source 003: HRW "cited a January raid … as an example"; "In one instance, a drone strike…"."""
    offered = {c for c, text in claim_quotes(store).items() if re.search(r"as an example|In one instance", text)}
    assert offered
    civilians = claims_with(store, "?c shg:victimStatus vstatus:civilians ; shg:allegedPartOf ?series")
    assert sorted(map(short, offered - civilians)) == []


# ---------------------------------------------------------------- an attribution never widens what the speaker said


def _names(store: pyoxigraph.Store) -> dict[str, list[str]]:
    rows = q(store, "SELECT ?a ?n { ?a a/rdfs:subClassOf* shg:Actor ; rdfs:label|skos:altLabel|skos:hiddenLabel ?n }")
    names: dict[str, list[str]] = {}
    for r in rows:
        names.setdefault(r["a"], []).append(r["n"].replace("’", "'").lower())
    return names


def _mentions_any(text: str, names: Iterable[str]) -> bool:
    text = text.replace("’", "'").lower()
    return any(n in text for n in names)


def test_every_alleged_perpetrator_is_named_by_the_claim(store: pyoxigraph.Store) -> None:
    """A perpetrator is in the claim's own quotes, or its comment says which words of the source name them."""
    names, quotes = _names(store), claim_quotes(store)
    comments = {r["c"]: r["n"] for r in q(store, "SELECT ?c ?n { ?c a shg:Claim ; rdfs:comment ?n }")}
    unnamed = [(short(r["c"]), short(r["a"])) for r in q(store, "SELECT ?c ?a { ?c shg:allegedPerpetrator ?a }")
               if not _mentions_any(quotes.get(r["c"], "") + " " + comments.get(r["c"], ""), names[r["a"]])]
    assert unnamed == []


def test_an_allegation_on_a_series_names_who_is_accused_or_says_why_not(store: pyoxigraph.Store) -> None:
    """Source 001: the UN's concern "urging both the Malian government and rebel groups" accuses no one."""
    rows = q(store, """
        SELECT ?c { ?c shg:about ?series ; shg:stance stance:alleges . ?series a shg:IncidentSeries .
          FILTER NOT EXISTS { ?c shg:allegedPerpetrator ?a } FILTER NOT EXISTS { ?c rdfs:comment ?why } }""")
    assert rows == []


def test_a_concern_addressed_to_both_sides_is_no_allegation_against_one(store: pyoxigraph.Store) -> None:
    rows = q(store, """
        SELECT ?c { ?c shg:quote/oa:exact ?e ; shg:about ?series . ?series a shg:IncidentSeries .
          FILTER (CONTAINS(?e, "urging both")) }""")
    assert rows == []


def test_relays_and_principals_are_never_speakers(store: pyoxigraph.Store) -> None:
    """PROV: a qualified attribution is an attribution, so relays are qualified influences."""
    assert q(store, """SELECT ?c ?a { ?c prov:qualifiedAttribution/prov:agent ?a .
                        FILTER NOT EXISTS { ?c prov:wasAttributedTo ?a } }""") == []
    speakers = q(store, """SELECT ?a { ?c shg:count/shg:best 46 ; prov:wasAttributedTo ?a }""")
    assert [short(r["a"]) for r in speakers] == ["hamadine-driss-ag-mohamed"]


# ---------------------------------------------------------------- incidents hold identity, in labels and slugs too

MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
#: Dates are identity: "(19 May)", "(20–29 June)", "2024".
DATE = re.compile(rf"\b\d{{1,2}}(?:[–-]\d{{1,2}})? (?:{MONTHS})\b|\b(?:{MONTHS}) \d{{4}}\b|\b(?:19|20)\d\d\b")
NUMBER_WORDS = r"\b(one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|dozens?|scores?|hundreds?)\b"
#: Words that allege how people were harmed (the event type, e.g. a drone strike or a raid, is identity).
ALLEGED_METHODS = r"execut|behead|shoot|shot|burn|tortur|loot|arson|massacre|mass grave|cleansing"


def live_incidents(store: pyoxigraph.Store) -> list[dict[str, str]]:
    return q(store, "SELECT ?i ?l { ?i a shg:Incident ; rdfs:label ?l }")


def test_no_incident_label_or_slug_carries_a_number(store: pyoxigraph.Store) -> None:
    for r in live_incidents(store):
        for text in (DATE.sub("", r["l"]), short(r["i"]).replace("-", " ")):
            assert not re.search(r"\d", text) and not re.search(NUMBER_WORDS, text, re.I), (short(r["i"]), text)


def test_no_incident_label_or_slug_carries_an_alleged_method(store: pyoxigraph.Store) -> None:
    for r in live_incidents(store):
        for text in (r["l"], short(r["i"])):
            assert not re.search(ALLEGED_METHODS, text, re.I), (short(r["i"]), text)


def test_every_incident_can_be_told_apart(store: pyoxigraph.Store) -> None:
    """Source 002's "targeted civilians in the northern region … during recent operations" is no incident."""
    rows = q(store, """
        SELECT ?i { ?i a shg:Incident ; shg:placePrecision ?pp ; shg:timePrecision ?tp .
          FILTER (?pp IN (pprec:area, pprec:country, pprec:supranational) && ?tp = tprec:unknown)
          FILTER NOT EXISTS { ?c shg:about ?i ; shg:count ?n . ?n shg:countQualifier ?ql . FILTER (?ql != cqual:unquantified) } }""")
    assert rows == [], "an incident needs a place finer than an area, a date, or a figure of its own"


def test_retired_incident_slugs_answer_with_their_replacement(store: pyoxigraph.Store) -> None:
    rows = q(store, "SELECT ?old ?new { ?old dcterms:isReplacedBy ?new FILTER (STRSTARTS(STR(?old), \"https://w3id.org/sahel-harm/id/\")) }")
    got = {short(r["old"]): short(r["new"]) for r in rows}
    assert got == {
        "central-mali-village-raid-executions": "central-mali-village-raid",
        "ersane-beheadings": "ersane-killings",
        "gao-algeria-vehicle-executions": "gao-algeria-road-killings",
        "northern-mali-two-drone-strikes": "northern-mali-drone-strikes",
        "northern-mali-civilian-killings-csp-dpa": "alleged-abuses-malian-forces-wagner",
    }
    for old in (r["old"] for r in rows):
        described = q(store, f"SELECT ?p {{ <{old}> ?p ?o }}")
        assert {r["p"] for r in described} == {"http://purl.org/dc/terms/isReplacedBy"}, old
        assert q(store, f"SELECT ?s {{ ?s ?p <{old}> }}") == [], f"{old} is still pointed at"


def test_retired_iris_answer_301_to_their_replacement(store: pyoxigraph.Store) -> None:
    from sahel_kg.linked_data.describe import describe
    from sahel_kg.store.backend import EmbeddedBackend

    backend = EmbeddedBackend(store)
    found = describe(backend, "https://w3id.org/sahel-harm/id/incident/ersane-beheadings")
    assert (found.status, found.replaced_by) == ("moved", "https://w3id.org/sahel-harm/id/incident/ersane-killings")


# ---------------------------------------------------------------- the same thing recorded the same way in every document


def test_every_source_document_has_a_publisher(store: pyoxigraph.Store) -> None:
    """Source 000, a republished AP story, had none while other unnamed outlets had an unidentified publisher."""
    assert q(store, "SELECT ?d { ?d a shg:SourceDocument FILTER NOT EXISTS { ?d dcterms:publisher ?p } }") == []


def _phrase(comment: str) -> str:
    """The source's own words for an anonymous source: the first quoted passage of its comment."""
    found = re.search(r"\"([^\"]+)\"", comment)
    return found.group(1) if found else ""


#: Words that say nothing about which body a speaker belongs to.
STOP = {"a", "an", "the", "of", "and", "for", "in", "mali", "malian", "mali's", "people", "source", "sources"}


def _words(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z'’-]+", text.replace("’", "'").lower())} - STOP


def test_an_anonymous_group_of_mixed_speakers_has_no_affiliation_of_its_own(store: pyoxigraph.Store) -> None:
    """Source 004: "CSP members and independent contacts close to the rebellion" are not all CSP."""
    rows = q(store, "SELECT ?a ?n { ?a a shg:AnonymousSource ; schema:affiliation ?x ; rdfs:comment ?n }")
    mixed = [short(r["a"]) for r in rows if " and " in _phrase(r["n"])]
    assert mixed == []


def test_an_anonymous_source_is_affiliated_no_narrower_than_the_source_says(store: pyoxigraph.Store) -> None:
    """Source 004: "a Malian security source" is Mali's defence and security forces, not the army."""
    names = _names(store)
    rows = q(store, "SELECT ?a ?x ?n { ?a a shg:AnonymousSource ; schema:affiliation ?x ; rdfs:comment ?n }")
    narrower = [(short(r["a"]), short(r["x"])) for r in rows
                if not any(_words(_phrase(r["n"])) & _words(name) for name in names[r["x"]])]
    assert narrower == []


# ---------------------------------------------------------------- the newcomer's review (issue 14): one check per defect, by IRI

ID = "https://w3id.org/sahel-harm/id/"
SERIES = f"<{ID}event/alleged-abuses-malian-forces-wagner>"


def _counts(store: pyoxigraph.Store, claim: str, harm: str) -> list[dict[str, str]]:
    """The counts of one harm on one claim: qualifier and figures, short names."""
    rows = q(store, f"""SELECT ?n ?ql ?low ?best ?high ?sub {{ <{ID}claim/{claim}> shg:count ?n .
        ?n shg:countType ctype:{harm} ; shg:countQualifier ?ql .
        OPTIONAL {{ ?n shg:low ?low }} OPTIONAL {{ ?n shg:best ?best }} OPTIONAL {{ ?n shg:high ?high }}
        OPTIONAL {{ ?n shg:subtotal ?sub }} }}""")
    return [{k: short(v) for k, v in r.items() if k != "n"} for r in rows]


def _values(store: pyoxigraph.Store, subject: str, prop: str) -> set[str]:
    return {short(r["o"]) for r in q(store, f"SELECT ?o {{ <{ID}{subject}> {prop} ?o }}")}


def test_one_injured_woman_is_at_least_one_injured(store: pyoxigraph.Store) -> None:
    """Source 003: "a pregnant woman injured in the blast suffered a miscarriage" says nothing of others injured."""
    assert _counts(store, "tlr-amnesty-two-drone-strikes-13-killed", "injured") == [{"ql": "at-least", "low": "1"}]


def test_the_russian_mercenaries_accompany_the_raids_not_the_drone_attacks(store: pyoxigraph.Store) -> None:
    """Source 003: "launching deadly drone attacks on civilian gatherings and conducting raids accompanied by
    Russian mercenaries that have killed civilians"."""
    drones, raids = "claim/tlr-junta-deadly-drone-attacks-on-civilian-gatherings", "claim/tlr-junta-raids-accompanied-by-russian-mercenaries"
    assert (_values(store, drones, "shg:allegedPerpetrator"), _values(store, drones, "shg:method")) == (
        {"government-of-mali"}, {"drone-strike"})
    roles = {(short(r["a"]), short(r["role"])) for r in q(store, f"""SELECT ?a ?role {{
        <{ID}{raids}> shg:qualifiedPerpetrator [ rdf:value ?a ; sem:roleType ?role ] }}""")}
    assert roles == {("government-of-mali", "principal"), ("wagner-group", "accompanying")}
    assert _values(store, raids, "shg:method") == {"raid"}
    escalated = "claim/tlr-violence-escalated-since-russians-arrived"
    assert not _values(store, escalated, "shg:allegedPerpetrator") and not _values(store, escalated, "shg:method")
    for claim in (drones, raids):
        assert [c["ql"] for c in _counts(store, claim.removeprefix("claim/"), "killed")] == ["unquantified"]


def test_drone_strikes_with_no_one_named_are_not_put_on_the_army_and_wagner_series(store: pyoxigraph.Store) -> None:
    """Source 003: "The group has also documented how drone strikes have killed civilians." names no one; the
    lede ("Wagner is helping government forces in central and northern Mali carry out raids and drone strikes …,
    human rights groups said") covers Amnesty's northern strikes and Human Rights Watch's Ségou strikes alike."""
    turkish = "claim/tlr-hrw-turkish-drones"
    assert _values(store, turkish, "shg:about|shg:allegedPartOf") == {"civilian-casualties-in-mali"}
    for claim in ("tlr-amnesty-two-drone-strikes-13-killed", "tlr-hrw-segou-wedding-at-least-7",
                  "tlr-hrw-segou-funeral-strike"):
        assert _values(store, f"claim/{claim}", "shg:allegedPartOf") == {"alleged-abuses-malian-forces-wagner"}, claim
        assert not _values(store, f"claim/{claim}", "shg:allegedPerpetrator"), claim


def _series_accused_names(store: pyoxigraph.Store) -> list[str]:
    """The names of those the army-and-Wagner series accuses: the army, Mali's government and the Wagner Group."""
    names = _names(store)
    return [n for a in ("malian-armed-forces", "government-of-mali", "wagner-group") for n in names[f"{ID}actor/{a}"]]


def test_a_claim_put_on_the_series_names_those_it_accuses_or_says_which_words_do(store: pyoxigraph.Store) -> None:
    """A claim about or alleged part of the series of abuses by Malian forces and Wagner, with no perpetrator of
    its own, says in its comment which words of the source (its lede, the paragraph it continues) name them."""
    rows = q(store, f"""SELECT ?c ?note {{ ?c shg:about|shg:allegedPartOf {SERIES} ; shg:stance ?s .
        FILTER (?s IN (stance:alleges, stance:reports)) FILTER NOT EXISTS {{ ?c shg:allegedPerpetrator ?a }}
        OPTIONAL {{ ?c rdfs:comment ?note }} }}""")
    accused = _series_accused_names(store)
    assert sorted(short(r["c"]) for r in rows if not _mentions_any(r.get("note", ""), accused)) == []


def test_an_incident_window_is_not_bounded_by_when_it_was_denounced(store: pyoxigraph.Store) -> None:
    """Source 001 dates neither the incident nor itself; the FLA's founding bounds the accusation only."""
    gao = "incident/gao-algeria-road-killings"
    assert _values(store, gao, "sem:hasEarliestBeginTimeStamp|sem:hasLatestEndTimeStamp|shg:curatorInference") == set()
    assert _values(store, gao, "shg:timePrecision") == {"unknown"}


def test_a_killing_without_a_number_has_an_unquantified_killed_count(store: pyoxigraph.Store) -> None:
    """Source 002: "alleged involvement in the killing of civilians … leading to numerous casualties"."""
    assert sorted(c["ql"] for c in _counts(store, "csp-dpa-army-wagner-targeted-civilians", "killed")) == ["unquantified"]
    assert [c["ql"] for c in _counts(store, "csp-dpa-army-wagner-targeted-civilians", "casualties")] == ["unquantified"]


#: Words that state people were killed.
KILLED_WORDS = r"\bkill(?:ed|ing|ings)\b|\bdeadly\b"
#: Killings a quote mentions that are not the harm it states: another event's victims, a death in a crash.
OTHER_DEATHS = r"\b(?:those|was) killed in\b"


def test_a_claim_that_states_killings_counts_them(store: pyoxigraph.Store) -> None:
    """Every allegation, report or confirmation whose quote says people were killed has a killed count
    (without a number when none is given): source 002's "the killing of civilians", source 000's "reported
    the killings", source 003's "deadly drone attacks"."""
    stated = {c for c, text in claim_quotes(store).items()
              if re.search(KILLED_WORDS, re.sub(OTHER_DEATHS, "", text, flags=re.I), re.I)}
    counted = claims_with(store, "?c shg:count/shg:countType ctype:killed")
    answers = claims_with(store, "?c shg:stance ?s . FILTER (?s NOT IN (stance:alleges, stance:reports, stance:confirms))")
    assert sorted(map(short, stated - counted - answers - _about_responses_only(store))) == []


def test_a_call_on_both_sides_mentions_both(store: pyoxigraph.Store) -> None:
    """Source 001: "urging both the Malian government and rebel groups"."""
    assert _values(store, "claim/mali-inv-un-concern-civilian-casualties", "shg:mentions") == {
        "government-of-mali", "unnamed-rebel-groups-in-mali"}
    rebels = "actor/unnamed-rebel-groups-in-mali"
    assert (_values(store, rebels, "shg:actorCategory"), _values(store, rebels, "shg:sourceType"),
            _values(store, rebels, "shg:sourceScale")) == ({"rebel-group"}, {"armed-group"}, {"subnational"})


def test_an_appeal_is_addressed_to_everyone_it_names(store: pyoxigraph.Store) -> None:
    """Source 004: appealed to "independent international jurisdictions," including the International Criminal
    Court, and human rights organizations"."""
    assert _values(store, "event/csp-appeal-international-jurisdictions", "shg:addressee") == {
        "international-criminal-court", "unnamed-international-jurisdictions-csp-appeal",
        "unnamed-human-rights-organisations-csp-appeal"}


def test_looting_and_arson_are_ascribed_to_whom_their_sentence_names(store: pyoxigraph.Store) -> None:
    """Source 004: "The soldiers allegedly looted shops and set homes on fire." — the Malian soldiers, not Wagner's
    "operatives"; source 000: "He described rampant looting of valuables from campsites" names no one."""
    looted = "claim/wa24-csp-sources-soldiers-looted-and-burned"
    assert _values(store, looted, "shg:allegedPerpetrator") == {"malian-armed-forces"}
    assert _values(store, looted, "shg:count/shg:countType") == {"looting", "arson"}
    assert not _values(store, "claim/wa24-csp-sources-over-30-civilians-killed", "shg:count/shg:countType") & {
        "looting", "arson"}
    campsites = "claim/ap-abeibara-village-chief-spokesman-looting"
    assert _values(store, campsites, "shg:count/shg:countType") == {"looting"}
    assert not _values(store, campsites, "shg:allegedPerpetrator")


def test_a_property_harm_is_ascribed_only_to_whom_its_own_sentence_names(store: pyoxigraph.Store) -> None:
    """For looting and arson, the sentence of the quote that states the harm names each alleged perpetrator, or
    the claim's comment says which words do: a harm in the next sentence does not inherit the accused."""
    from sahel_kg.curation.coverage import split_sentences

    names = _names(store)
    rows = q(store, """SELECT ?c ?a ?e ?note { ?c shg:count/shg:countType ?t ; shg:allegedPerpetrator ?a ;
        shg:quote/oa:exact ?e . FILTER (?t IN (ctype:looting, ctype:arson)) OPTIONAL { ?c rdfs:comment ?note } }""")
    unnamed = set()
    for r in rows:
        harmed = [s.text for s in split_sentences(r["e"]) if re.search(r"\bloot|on fire\b|\barson|\bburn", s.text, re.I)]
        if harmed and not any(_mentions_any(s + " " + r.get("note", ""), names[r["a"]]) for s in harmed):
            unnamed.add((short(r["c"]), short(r["a"])))
    assert sorted(unnamed) == []


def test_an_allegation_made_in_response_points_at_what_it_answers(store: pyoxigraph.Store) -> None:
    """Source 000: "In response to the allegations, … Kal akal, condemned …"."""
    assert _values(store, "claim/ap-abeibara-kal-akal-at-least-60", "shg:respondsTo") == {
        "ap-abeibara-residents-report-killings", "ap-abeibara-village-chief-spokesman-46-executed"}
    assert _values(store, "claim/ap-abeibara-kal-akal-at-least-60", "shg:stance") == {"alleges"}
    said = {c for c, text in claim_quotes(store).items() if re.search(r"\bin response to\b", text, re.I)}
    assert sorted(map(short, said - claims_with(store, "?c shg:respondsTo ?x"))) == []
