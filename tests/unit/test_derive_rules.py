"""Each derivation rule of ``ontology/rules/`` on small graphs built in the test: what it must and must not conclude.

The graphs are Turtle written here (one incident, a few claims each), loaded
into an in-memory store with the project's real rules run over them by
:func:`sahel_kg.derive.run.derive`, the code the build calls.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pyoxigraph
import pytest

from sahel_kg.derive.rules import DERIVED_GRAPH, load_rules, parse_rule
from sahel_kg.derive.run import derive
from support.project_data import ROOT

SHG = "https://w3id.org/sahel-harm/ontology/"
PROV = "http://www.w3.org/ns/prov#"
INCIDENT = "https://w3id.org/sahel-harm/id/incident/x"
SUMMARY = "https://w3id.org/sahel-harm/id/summary/x"
PREFIXES = """
PREFIX shg: <https://w3id.org/sahel-harm/ontology/>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX schema: <https://schema.org/>
PREFIX incident: <https://w3id.org/sahel-harm/id/incident/>
PREFIX claim: <https://w3id.org/sahel-harm/id/claim/>
PREFIX actor: <https://w3id.org/sahel-harm/id/actor/>
PREFIX source: <https://w3id.org/sahel-harm/id/source/>
PREFIX stance: <https://w3id.org/sahel-harm/vocab/stance/>
PREFIX cqual: <https://w3id.org/sahel-harm/vocab/count-qualifier/>
PREFIX ctype: <https://w3id.org/sahel-harm/vocab/count-type/>
PREFIX vstatus: <https://w3id.org/sahel-harm/vocab/victim-status/>
PREFIX arole: <https://w3id.org/sahel-harm/vocab/attribution-role/>
incident:x a shg:Incident .
"""


@dataclass
class C:
    """One claim about incident:x, written as Turtle."""

    name: str
    speaker: str = "outlet"
    document: str = "doc1"
    stance: str = "reports"
    counts: list[str] = field(default_factory=list)  # Turtle of a count's properties
    status: str | None = None
    perpetrators: tuple[str, ...] = ()
    responds_to: str | None = None
    about: bool = True
    behalf: str | None = None
    relay: str | None = None

    def turtle(self) -> str:
        parts = [f"claim:{self.name} a shg:Claim", f"prov:wasAttributedTo actor:{self.speaker}",
                 f"prov:wasDerivedFrom source:{self.document}", f"shg:stance stance:{self.stance}"]
        if self.about:
            parts.append("shg:about incident:x")
        parts += [f"shg:count [ a shg:Count ; shg:countType ctype:killed ; {c} ]" for c in self.counts]
        if self.status:
            parts.append(f"shg:victimStatus vstatus:{self.status}")
        parts += [f"shg:allegedPerpetrator actor:{p}" for p in self.perpetrators]
        if self.responds_to:
            parts.append(f"shg:respondsTo claim:{self.responds_to}")
        for role, agent in (("on-behalf-of", self.behalf), ("relay", self.relay)):
            if agent:
                parts.append(f"prov:qualifiedInfluence [ a prov:Influence ; prov:agent actor:{agent} ; prov:hadRole arole:{role} ]")
        return " ;\n  ".join(parts) + " .\n"


def exact(n: int) -> str:
    return f"shg:countQualifier cqual:exact ; shg:low {n} ; shg:best {n} ; shg:high {n}"


def at_least(n: int) -> str:
    return f"shg:countQualifier cqual:at-least ; shg:low {n}"


def around(n: int) -> str:
    return f"shg:countQualifier cqual:approximately ; shg:best {n}"


def up_to(n: int) -> str:
    return f"shg:countQualifier cqual:up-to ; shg:high {n}"


UNQUANTIFIED = "shg:countQualifier cqual:unquantified"
DOZENS = "shg:countQualifier cqual:dozens ; shg:low 24"

DOCUMENTS = """
source:doc1 a shg:SourceDocument ; dcterms:publisher actor:outlet .
source:doc2 a shg:SourceDocument ; dcterms:publisher actor:outlet .
source:doc3 a shg:SourceDocument ; dcterms:publisher actor:other-outlet .
"""


def summarise(*claims: C, extra: str = "") -> dict[str, list[object]]:
    """The summary of incident:x: property local name → values (ints, bools, or IRIs)."""
    store = pyoxigraph.Store()
    text = PREFIXES + DOCUMENTS + extra + "".join(c.turtle() for c in claims)
    store.extend(pyoxigraph.Quad(t.subject, t.predicate, t.object, pyoxigraph.NamedNode("urn:test:data"))
                 for t in pyoxigraph.parse(text, format=pyoxigraph.RdfFormat.TURTLE))
    derive(store, load_rules(ROOT), "f" * 64)
    found: dict[str, list[object]] = {}
    for quad in store.quads_for_pattern(pyoxigraph.NamedNode(SUMMARY), None, None, pyoxigraph.NamedNode(DERIVED_GRAPH)):
        o = quad.object
        value: object = o.value
        if isinstance(o, pyoxigraph.Literal):
            value = {"true": True, "false": False}.get(o.value, o.value)
            if o.datatype.value.endswith("#integer"):
                value = int(o.value)
        found.setdefault(quad.predicate.value.removeprefix(SHG).removeprefix(PROV), []).append(value)
    return found


def one(summary: dict[str, list[object]], name: str) -> object:
    values = summary.get(name, [])
    assert len(values) == 1, f"{name}: {values}"
    return values[0]


# ---------------------------------------------------------------- the killed span

def test_at_least_sets_no_ceiling_so_the_highest_figure_stays_open() -> None:
    s = summarise(C("a", counts=[at_least(60)]), C("b", counts=[exact(29)], document="doc3", speaker="army"))
    assert (one(s, "killedLowest"), one(s, "killedHighest"), one(s, "killedHighestIsOpen")) == (29, 60, True)
    assert one(s, "figuresConflict") is True  # "at least 60" cannot be "exactly 29"


def test_an_open_figure_below_a_closed_one_does_not_make_the_top_open_nor_conflict() -> None:
    s = summarise(C("a", counts=[at_least(20)]), C("b", counts=[exact(30)]))
    assert (one(s, "killedLowest"), one(s, "killedHighest"), one(s, "killedHighestIsOpen")) == (20, 30, False)
    assert one(s, "figuresConflict") is False


def test_around_is_its_own_floor_and_ceiling_and_dozens_is_open() -> None:
    s = summarise(C("a", counts=[around(30)]), C("b", counts=[DOZENS]))
    assert (one(s, "killedLowest"), one(s, "killedHighest"), one(s, "killedHighestIsOpen")) == (24, 30, False)
    assert one(s, "figuresConflict") is False
    s = summarise(C("a", counts=[around(20)]), C("b", counts=[DOZENS]))
    assert (one(s, "killedHighest"), one(s, "killedHighestIsOpen"), one(s, "figuresConflict")) == (24, True, True)


def test_min_and_max_do_not_drop_counts_lacking_a_bound() -> None:
    """An unquantified count beside a figure: the figure still gives both ends, the other is counted apart."""
    s = summarise(C("a", counts=[UNQUANTIFIED]), C("b", counts=[exact(5)]), C("c", counts=[at_least(7)]))
    assert (one(s, "killedLowest"), one(s, "killedHighest"), one(s, "killedHighestIsOpen")) == (5, 7, True)
    assert (one(s, "killedFigureCount"), one(s, "killedUnquantifiedCount")) == (2, 1)


def test_only_unquantified_counts_give_no_span_but_are_counted() -> None:
    s = summarise(C("a", counts=[UNQUANTIFIED]))
    assert "killedLowest" not in s and "killedHighest" not in s and "killedHighestIsOpen" not in s
    assert (one(s, "killedFigureCount"), one(s, "killedUnquantifiedCount"), one(s, "figuresConflict")) == (0, 1, False)


def test_a_count_with_only_a_ceiling_is_a_figure_that_sets_the_top_but_no_floor() -> None:
    """"Up to 40" (cqual:up-to, shg:high alone) states a figure: it is no unquantified count."""
    s = summarise(C("a", counts=[up_to(40)]))
    assert "killedLowest" not in s
    assert (one(s, "killedHighest"), one(s, "killedHighestIsOpen"), one(s, "figuresConflict")) == (40, False, False)
    assert (one(s, "killedFigureCount"), one(s, "killedUnquantifiedCount")) == (1, 0)
    s = summarise(C("a", counts=[up_to(40)]), C("b", counts=[exact(29)]))
    assert (one(s, "killedLowest"), one(s, "killedHighest"), one(s, "killedHighestIsOpen")) == (29, 40, False)
    assert one(s, "figuresConflict") is False
    s = summarise(C("a", counts=[up_to(40)]), C("b", counts=[at_least(60)]))
    assert (one(s, "killedLowest"), one(s, "killedHighest"), one(s, "killedHighestIsOpen")) == (60, 60, True)
    assert one(s, "figuresConflict") is True  # "at least 60" cannot be "up to 40"


def test_subtotals_are_left_out_of_the_span() -> None:
    s = summarise(C("a", counts=[exact(30), exact(4) + " ; shg:subtotal true"]))
    assert (one(s, "killedLowest"), one(s, "killedHighest"), one(s, "killedFigureCount")) == (30, 30, 1)


def test_an_incident_without_killed_counts_gets_zero_counts_and_no_conflict() -> None:
    s = summarise(C("a"))
    assert (one(s, "killedFigureCount"), one(s, "killedUnquantifiedCount"), one(s, "figuresConflict")) == (0, 0, False)


# ---------------------------------------------------------------- sources

def test_claims_speakers_documents_and_publishers_are_counted_distinct() -> None:
    s = summarise(C("a"), C("b", speaker="rights-group", document="doc2"), C("c", speaker="rights-group", document="doc3"))
    assert (one(s, "claimCount"), one(s, "speakerCount"), one(s, "documentCount"), one(s, "publisherCount")) == (3, 2, 3, 2)
    assert one(s, "summarises") == INCIDENT


# ---------------------------------------------------------------- disputes and victim status

def test_a_dispute_answering_a_claim_about_the_incident_names_its_speaker_and_principal() -> None:
    s = summarise(C("a", status="civilians"),
                  C("b", speaker="spokesman", stance="disputes", about=False, responds_to="a", behalf="army"))
    assert one(s, "deniedOrDisputed") is True
    assert sorted(str(p) for p in s["disputingParty"]) == ["https://w3id.org/sahel-harm/id/actor/army",
                                                          "https://w3id.org/sahel-harm/id/actor/spokesman"]


def test_a_confirmation_is_no_dispute() -> None:
    s = summarise(C("a"), C("b", speaker="army", stance="confirms", responds_to="a"))
    assert one(s, "deniedOrDisputed") is False and "disputingParty" not in s


@pytest.mark.parametrize(("statuses", "contested"), [
    (("civilians", "combatants"), True), (("mixed", "combatants"), True),
    (("civilians", "civilians"), False), (("civilians", "unspecified"), False), (("combatants",), False),
])
def test_victim_status_is_contested_when_civilians_meet_combatants(statuses: tuple[str, ...], contested: bool) -> None:
    s = summarise(*(C(f"c{i}", status=st, speaker=f"s{i}") for i, st in enumerate(statuses)))
    assert one(s, "victimStatusContested") is contested


# ---------------------------------------------------------------- grades

GRADE = "https://w3id.org/sahel-harm/vocab/grade/"
ARMY_SIDE = """
actor:spokesman prov:actedOnBehalfOf actor:army .
actor:defence-forces schema:subOrganization actor:army .
actor:security-source schema:affiliation actor:defence-forces .
"""


def grade(*claims: C) -> str:
    return str(one(summarise(*claims, extra=ARMY_SIDE), "grade")).removeprefix(GRADE)


def test_discounted_when_every_stated_status_is_combatants() -> None:
    assert grade(C("a", status="combatants"), C("b", document="doc3", speaker="x")) == "discounted"
    assert grade(C("a", status="combatants"), C("b", status="civilians", speaker="x")) != "discounted"


def test_confirmed_when_the_alleged_perpetrators_side_confirms() -> None:
    allegation = C("a", perpetrators=("army",), status="civilians")
    assert grade(allegation, C("b", speaker="spokesman", stance="confirms", responds_to="a")) == "confirmed"
    # affiliated with an organisation the perpetrator belongs to
    assert grade(allegation, C("b", speaker="security-source", stance="confirms", responds_to="a")) == "confirmed"
    # speaking on behalf of the perpetrator
    assert grade(allegation, C("b", speaker="envoy", behalf="army", stance="confirms", responds_to="a")) == "confirmed"


def test_not_confirmed_when_the_confirming_side_calls_the_dead_combatants_or_is_another_party() -> None:
    allegation = C("a", perpetrators=("army",), status="civilians")
    assert grade(allegation, C("b", speaker="spokesman", stance="confirms", responds_to="a"),
                 C("c", speaker="spokesman", stance="disputes", responds_to="a", status="combatants")) != "confirmed"
    assert grade(allegation, C("b", speaker="rights-group", stance="confirms", responds_to="a")) != "confirmed"
    assert grade(allegation, C("b", speaker="spokesman", stance="denies", responds_to="a")) != "confirmed"


def test_contested_when_two_claims_blame_parties_with_nothing_in_common() -> None:
    assert grade(C("a", perpetrators=("army",)), C("b", perpetrators=("jihadists",), speaker="y")) == "contested"
    assert grade(C("a", perpetrators=("army",)), C("b", perpetrators=("army", "mercenaries"), speaker="y")) != "contested"
    # one blames the army, the other the defence forces it belongs to: the same side
    assert grade(C("a", perpetrators=("army",)), C("b", perpetrators=("defence-forces",), speaker="y")) != "contested"


def test_fair_needs_two_independent_origins() -> None:
    assert grade(C("a"), C("b", document="doc3", speaker="other-outlet")) == "fair"
    assert grade(C("a"), C("b", document="doc2")) == "weak"  # two documents, one publisher
    # two publishers printing the same agency's wire are one origin
    assert grade(C("a", relay="agency"), C("b", document="doc3", speaker="other-outlet", relay="agency")) == "weak"
    # a denial is no second origin of the harm
    assert grade(C("a"), C("b", document="doc3", speaker="army", stance="denies", responds_to="a")) == "weak"


def test_precedence_discounted_then_confirmed_then_contested_then_fair() -> None:
    confirmed = [C("a", perpetrators=("army",)), C("b", speaker="spokesman", stance="confirms", responds_to="a")]
    assert grade(*confirmed, C("c", speaker="z", status="combatants")) == "discounted"
    assert grade(*confirmed, C("c", speaker="z", perpetrators=("jihadists",))) == "confirmed"
    assert grade(C("a", perpetrators=("army",)), C("b", perpetrators=("jihadists",), document="doc3",
                                                    speaker="other-outlet")) == "contested"


# ---------------------------------------------------------------- provenance and rule files

def test_every_derived_node_was_generated_by_a_rule_run_of_the_build_with_its_plan() -> None:
    store = pyoxigraph.Store()
    text = PREFIXES + DOCUMENTS + C("a", counts=[exact(3)]).turtle()
    store.extend(pyoxigraph.Quad(t.subject, t.predicate, t.object, pyoxigraph.NamedNode("urn:test:data"))
                 for t in pyoxigraph.parse(text, format=pyoxigraph.RdfFormat.TURTLE))
    rules = load_rules(ROOT)
    derive(store, rules, "ab" * 32)
    g = f"<{DERIVED_GRAPH}>"
    untraced = list(store.query(f"""PREFIX prov: <{PROV}> PREFIX shg: <{SHG}>
      SELECT ?s WHERE {{ GRAPH {g} {{ ?s ?p ?o FILTER(STRSTARTS(STR(?s), "https://w3id.org/sahel-harm/id/summary/"))
        FILTER NOT EXISTS {{ ?s prov:wasGeneratedBy ?run . ?run prov:wasInformedBy <https://w3id.org/sahel-harm/id/build/abababababababab> ;
          prov:qualifiedAssociation/prov:hadPlan ?rule . ?rule a prov:Plan ; shg:sparql ?text }} }} }}"""))
    assert not untraced
    plans = {r["rule"].value: r["text"].value for r in store.query(
        f"PREFIX shg: <{SHG}> SELECT ?rule ?text WHERE {{ GRAPH {g} {{ ?rule shg:sparql ?text }} }}")}
    assert plans == {rule.iri: (ROOT / "ontology" / "rules" / f"{rule.stem}.rq").read_text(encoding="utf-8") for rule in rules}


def test_deriving_twice_gives_the_same_graph() -> None:
    store = pyoxigraph.Store()
    text = PREFIXES + DOCUMENTS + C("a", counts=[exact(3)]).turtle()
    store.extend(pyoxigraph.Quad(t.subject, t.predicate, t.object, pyoxigraph.NamedNode("urn:test:data"))
                 for t in pyoxigraph.parse(text, format=pyoxigraph.RdfFormat.TURTLE))
    derive(store, load_rules(ROOT), "ab" * 32)
    first = len(store)
    derive(store, load_rules(ROOT), "ab" * 32)
    assert len(store) == first


def test_every_rule_file_says_its_rule_in_words() -> None:
    rules = load_rules(ROOT)
    assert {r.stem for r in rules} >= {"summary-sources", "summary-killed", "summary-disputed",
                                       "summary-victim-status", "grade"}
    assert all(len(r.words) > 80 for r in rules)


def test_a_rule_without_a_header_or_not_a_construct_is_refused() -> None:
    with pytest.raises(ValueError, match="must open with"):
        parse_rule("bare", "CONSTRUCT {} WHERE {}")
    with pytest.raises(SyntaxError, match="must be a CONSTRUCT"):
        derive(pyoxigraph.Store(), [parse_rule("ask", "# Asks\nASK {}")], "0" * 64)
    with pytest.raises(SyntaxError, match="not valid SPARQL"):
        derive(pyoxigraph.Store(), [parse_rule("broken", "# Broken\nCONSTRUCT {")], "0" * 64)
