"""The claims table: one row per claim about an incident, labels with their IRIs beside them.

A claim about several incidents has a row under each. Several values of one
column (two speakers, three methods) are joined with `` | ``, labels and IRIs
in the same order. The killed figures are those of the claim's whole-toll
killed count (a subtotal is a part of it); a claim with two such counts gives
both, joined the same way.
"""

from __future__ import annotations

from sahel_kg.exports.records import ClaimRecord, IncidentRecord, Term

SEP = " | "
COLUMNS: tuple[str, ...] = (
    "incident", "incident_label", "claim", "claim_label",
    "speaker", "speaker_iri", "on_behalf_of", "on_behalf_of_iri", "relayed_by", "relayed_by_iri",
    "stance", "stance_iri", "killed_low", "killed_best", "killed_high", "killed_qualifier", "killed_qualifier_iri",
    "victim_status", "victim_status_iri", "victims", "victims_iri", "perpetrators", "perpetrators_iri",
    "method", "method_iri", "quote", "document", "document_iri", "publisher", "publisher_iri", "date", "responds_to",
)


def _labels(terms: list[Term]) -> str:
    return SEP.join(t.label or t.iri for t in terms)


def _iris(terms: list[Term]) -> str:
    return SEP.join(t.iri for t in terms)


def _figures(values: list[int | None]) -> str:
    return SEP.join("" if v is None else str(v) for v in values) if any(v is not None for v in values) else ""


def row(incident: IncidentRecord, claim: ClaimRecord) -> list[str]:
    """One claim's row under one incident, in :data:`COLUMNS` order."""
    killed = claim.killed
    qualifiers = [c.qualifier for c in killed if c.qualifier is not None]
    doc = claim.document
    publishers = doc.publishers if doc else []
    return [
        incident.iri, incident.label, claim.iri, claim.label,
        _labels(claim.speakers), _iris(claim.speakers), _labels(claim.on_behalf_of), _iris(claim.on_behalf_of),
        _labels(claim.relayed_by), _iris(claim.relayed_by),
        claim.stance.label if claim.stance else "", claim.stance.iri if claim.stance else "",
        _figures([c.low for c in killed]), _figures([c.best for c in killed]), _figures([c.high for c in killed]),
        _labels(qualifiers), _iris(qualifiers),
        _labels(claim.victim_status), _iris(claim.victim_status), _labels(claim.victim_groups), _iris(claim.victim_groups),
        _labels(claim.perpetrators), _iris(claim.perpetrators), _labels(claim.methods), _iris(claim.methods),
        "\n".join(claim.quotes), doc.title if doc else "", doc.iri if doc else "",
        _labels(publishers), _iris(publishers), doc.date if doc else "", SEP.join(claim.responds_to),
    ]


def rows(incident: IncidentRecord) -> list[list[str]]:
    """Every claim's row under this incident, in claim IRI order."""
    return [row(incident, c) for c in incident.claims]
