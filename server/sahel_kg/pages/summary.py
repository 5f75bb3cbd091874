"""The computed summary of an incident, as one line a person reads first, and the pages of summaries and rules.

The figures come from the derived graph (``ontology/rules/*.rq``, written by
the build: :mod:`sahel_kg.derive`); nothing here recomputes them, so the page
says exactly what the graph says. The line is labelled as computed and links
to the rules that computed it and to the claims it summarises.

>>> killed_text(Figures(lowest=29, highest=60, open=True, figures=3, unquantified=0))
'Claimed killed: 29 to at least 60'
>>> killed_text(Figures(lowest=29, highest=29, open=False, figures=2, unquantified=1))
'Claimed killed: 29 (and 1 claim of killing without a figure)'
>>> killed_text(Figures(lowest=None, highest=40, open=False, figures=1, unquantified=0))
'Claimed killed: up to 40'
>>> killed_text(Figures(lowest=None, highest=None, open=None, figures=0, unquantified=2))
'Claimed killed: no figure given (2 claims of killing without one)'
>>> killed_text(Figures(lowest=None, highest=None, open=None, figures=0, unquantified=0))
'No killed figure claimed'
"""

from __future__ import annotations

from dataclasses import dataclass

from sahel_kg.labels import label_optional
from sahel_kg.links import Links
from sahel_kg.namespaces import ENTITY_BASE, GRAPH_BASE, PREFIXES
from sahel_kg.pages.i18n import N_, _, ngettext
from sahel_kg.pages.resources import Resource, rows, safe_iri
from sahel_kg.pages.views import EntityView, Link, entity_base, link_to
from sahel_kg.store.backend import GraphBackend

SHG, RDFS, SKOS, PROV = PREFIXES["shg"], PREFIXES["rdfs"], PREFIXES["skos"], PREFIXES["prov"]
DERIVED_GRAPH = GRAPH_BASE + "derived"
SUMMARY_BASE = ENTITY_BASE + "summary/"
RULE_BASE = SHG + "rule/"
#: The rule each part of the line comes from (file stems of ``ontology/rules``).
LINE_RULES = ("summary-killed", "summary-sources", "summary-disputed", "summary-victim-status", "grade")


@dataclass(frozen=True)
class Figures:
    """The killed span of a summary: lowest floor, highest figure, whether that is open, and how many counts."""

    lowest: int | None
    highest: int | None
    open: bool | None
    figures: int
    unquantified: int


@dataclass(frozen=True)
class SummaryView:
    """One incident's computed summary: the line's parts, the grade, and links to the summary and its rules."""

    summary: Link
    killed: str
    sources: str
    disputing: list[Link]
    disputed: bool
    status_contested: bool
    figures_conflict: bool
    grade: Link | None
    rules: list[Link]


def _claims_without(n: int) -> str:
    return ngettext("%(num)s claim of killing without", "%(num)s claims of killing without", n) % {"num": n}


def killed_text(f: Figures) -> str:
    """The killed part of the line; an open highest figure reads "at least", never as a ceiling, and figures
    that only set a ceiling ("up to 40": no floor) read "up to"."""
    if f.figures == 0 or f.highest is None:
        if f.unquantified:
            return _("Claimed killed: no figure given (%(apart)s one)") % {"apart": _claims_without(f.unquantified)}
        return _("No killed figure claimed")
    top = _("at least %(num)s") % {"num": f.highest} if f.open else str(f.highest)
    if f.lowest is None:
        span = _("up to %(num)s") % {"num": f.highest}
    elif f.lowest == f.highest:
        span = _("at least %(num)s") % {"num": f.lowest} if f.open else str(f.lowest)
    else:
        span = _("%(low)s to %(high)s") % {"low": f.lowest, "high": top}
    if f.unquantified:
        return _("Claimed killed: %(span)s (and %(apart)s a figure)") % {
            "span": span, "apart": _claims_without(f.unquantified)}
    return _("Claimed killed: %(span)s") % {"span": span}


def sources_text(speakers: int, documents: int) -> str:
    """``from N speakers in M documents``, in the reader's language."""
    who = ngettext("%(num)s speaker", "%(num)s speakers", speakers) % {"num": speakers}
    where = ngettext("%(num)s document", "%(num)s documents", documents) % {"num": documents}
    return _("from %(speakers)s in %(documents)s") % {"speakers": who, "documents": where}


def summary_select(incident: str) -> str:
    """The summary of one incident in the derived graph: rows of ``?ss`` (the summary), ``?sp`` (property),
    ``?so`` (value) and ``?sl`` (the value's label); a SELECT that the incident page unites with its own."""
    return (f"SELECT ?ss ?sp ?so ?sl WHERE {{ GRAPH <{DERIVED_GRAPH}> {{ ?ss <{SHG}summarises> <{incident}> ; ?sp ?so }} "
            f"{label_optional('?so', 'sl', SKOS + 'prefLabel')} {label_optional('?so', 'sl', RDFS + 'label')} }}")


def _int(values: dict[str, list[str]], name: str) -> int | None:
    found = values.get(SHG + name)
    return int(found[0]) if found else None


def _bool(values: dict[str, list[str]], name: str) -> bool:
    return values.get(SHG + name, ["false"])[0] == "true"


def summary_view(backend: GraphBackend, links: Links, incident: str) -> SummaryView | None:
    """The computed summary of an incident (one query), or None when the store has none (built without rules)."""
    if not safe_iri(incident):
        return None
    return summary_from_rows(links, rows(backend, summary_select(incident)))


def summary_from_rows(links: Links, found: list[dict[str, str]]) -> SummaryView | None:
    """The view of the rows :func:`summary_select` gives (rows without ``?sp`` are ignored); None when none."""
    found = [r for r in found if "sp" in r]
    if not found:
        return None
    values: dict[str, list[str]] = {}
    labels: dict[str, str] = {}
    for r in found:
        values.setdefault(r["sp"], []).append(r["so"])
        if "sl" in r:
            labels.setdefault(r["so"], r["sl"])
    figures = Figures(_int(values, "killedLowest"), _int(values, "killedHighest"),
                      _bool(values, "killedHighestIsOpen") if SHG + "killedHighestIsOpen" in values else None,
                      _int(values, "killedFigureCount") or 0, _int(values, "killedUnquantifiedCount") or 0)
    speakers, documents = _int(values, "speakerCount") or 0, _int(values, "documentCount") or 0
    grade = values.get(SHG + "grade", [None])[0]
    parties = sorted({link_to(links, p, labels.get(p)) for p in values.get(SHG + "disputingParty", [])},
                     key=lambda link: link.text.casefold())
    return SummaryView(
        summary=link_to(links, found[0]["ss"], _("how this line is computed")),
        killed=killed_text(figures),
        sources=sources_text(speakers, documents),
        disputing=parties, disputed=_bool(values, "deniedOrDisputed"),
        status_contested=_bool(values, "victimStatusContested"),
        figures_conflict=_bool(values, "figuresConflict"),
        grade=link_to(links, grade, labels.get(grade)) if grade else None,
        rules=[link_to(links, RULE_BASE + stem, stem) for stem in LINE_RULES],
    )


@dataclass
class SummaryPageView:
    """The page of a summary node: what it summarises, its line, and its statements (all computed)."""

    base: EntityView
    incident: Link | None
    line: SummaryView | None


def summary_page_view(backend: GraphBackend, links: Links, summary: Resource) -> SummaryPageView:
    """A summary node's page (one query beyond its own facts)."""
    incident = summary.first(SHG + "summarises")
    line = summary_view(backend, links, incident.text) if incident else None
    base = entity_base(links, summary, N_("Incident summary (computed)"))
    return SummaryPageView(base, link_to(links, incident.text) if incident else None, line)


@dataclass
class RuleView:
    """A derivation rule's page: its title, its words, and its SPARQL."""

    base: EntityView
    words: str | None
    sparql: str | None


def rule_view(links: Links, rule: Resource) -> RuleView:
    """A rule (a prov:Plan of the derived graph): no query beyond its own facts."""
    return RuleView(entity_base(links, rule, N_("Derivation rule")), rule.text(RDFS + "comment"), rule.text(SHG + "sparql"))
