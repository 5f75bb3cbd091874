"""Claims as rows of a comparison: who said what, with which figures, stance and source, in the order a
reader compares them, and the range chart of their figures.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sahel_kg.labels import LABEL_PROPS, RDFS_LABEL
from sahel_kg.languages import current
from sahel_kg.links import Links
from sahel_kg.namespaces import local_name
from sahel_kg.pages.charts import RangeChart, RangeInput, range_chart
from sahel_kg.pages.i18n import _
from sahel_kg.pages.resources import Resource, facts_of
from sahel_kg.pages.views import (
    COUNT_CAP,
    DCT,
    PROV,
    RDFS,
    SCHEMA,
    SHG,
    Link,
    P,
    Part,
    human_date,
    links_of,
    part,
    texts,
    value_link,
    window_text,
)
from sahel_kg.store.backend import GraphBackend

# ---------------------------------------------------------------- claims

@dataclass(frozen=True)
class CountView:
    """One figure of a claim, as the speaker put it."""

    what: str
    text: str
    low: int | None
    best: int | None
    high: int | None
    qualifier: str
    qualifier_label: str
    subtotal: bool = False
    details: list[str] = field(default_factory=list)
    type_slug: str = ""  # the count type's local name ("killed"): ``what`` is its label, in the reader's language


@dataclass(frozen=True)
class ClaimRef:
    """A link to a claim, with its anchor on an incident page."""

    text: str
    href: str
    anchor: str


@dataclass(frozen=True)
class Speaker:
    """Who made a claim and whom they belong to."""

    link: Link
    affiliation: Link | None = None
    job: str | None = None


@dataclass
class ClaimRow:
    """Everything shown about one claim."""

    ref: ClaimRef
    label: str
    stance: Link | None
    stance_slug: str
    speakers: list[Speaker]
    roles: list[tuple[str, Link]]
    about: list[Link]
    total: CountView | None
    other_counts: list[CountView]
    victim_status: list[Link]
    victim_groups: list[Link]
    populations: list[Link]
    perpetrators: list[Link]
    methods: list[Link]
    mentions: list[Link]
    characterisations: list[str]
    speaker_words: list[str]
    quotes: list[str]
    source: Link | None
    publishers: list[Link]
    creators: list[Link]
    source_date: str
    comment: str | None
    quote_lang: str | None = None  # the source document's language (dcterms:language): the quotes' (WCAG 3.1.2)
    label_lang: str | None = None  # the label's language, when not the page's
    responds_to: list[ClaimRef] = field(default_factory=list)
    answered_by: list[ClaimRef] = field(default_factory=list)
    part_of: list[Link] = field(default_factory=list)
    #: a row of a coded event dataset (UCDP GED, ACLED): a coder's reading of the sources it cites, no quote
    coded: bool = False
    cited_sources: str | None = None
    coded_parties: list[Link] = field(default_factory=list)
    #: on an incident page, the coded event it is about when that is another record matched to this incident
    matched_from: list[Link] = field(default_factory=list)
    #: a curator confirmed that match (shg:sameIncidentAs); otherwise the import only proposed it
    match_confirmed: bool = False

    @property
    def is_response(self) -> bool:
        """True for claims that answer others."""
        return bool(self.responds_to)


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


def count_text(qualifier: str, low: int | None, best: int | None, high: int | None) -> str:
    """A figure in words, faithful to how it was put.

    >>> count_text("at-least", 60, None, None), count_text("approximately", None, 30, None)
    ('at least 60', 'around 30')
    >>> count_text("dozens", 24, None, None), count_text("more-than", 31, None, None)
    ('dozens (read as at least 24)', 'more than 30')
    """
    if qualifier == "exact" and best is not None:
        return str(best)
    if qualifier == "at-least" and low is not None:
        return _("at least %(num)s") % {"num": low}
    if qualifier == "more-than" and low is not None:
        return _("more than %(num)s") % {"num": low - 1}
    if qualifier == "approximately" and best is not None:
        return _("around %(num)s") % {"num": best}
    if qualifier == "dozens":
        return _("dozens (read as at least %(num)s)") % {"num": low} if low is not None else _("dozens")
    if qualifier == "unquantified":
        return _("no number given")
    parts = [f"{name} {n}" for name, n in ((_("low"), low), (_("best"), best), (_("high"), high)) if n is not None]
    return ", ".join(parts) or _("no number given")


def count_view(node: Resource) -> CountView:
    """A count blank node as a :class:`CountView`."""
    ctype = node.first(SHG + "countType")
    qual = node.first(SHG + "countQualifier")
    low, best, high = (_int(node.text(SHG + n)) for n in ("low", "best", "high"))
    qslug = local_name(qual.text) if qual else ""
    details = [v.label or local_name(v.text) for prop in (SHG + "victimGroup", SHG + "method")
               for v in node.values(prop)]
    if comment := node.text(RDFS_LABEL.replace("label", "comment")):
        details.append(comment)
    return CountView(ctype.display if ctype else _("count"), count_text(qslug, low, best, high), low, best, high,
                     qslug, qual.display if qual else "", node.text(SHG + "subtotal") in ("true", "1"), sorted(details),
                     local_name(ctype.text) if ctype else "")


def claim_ref(links: Links, iri: str, label: str) -> ClaimRef:
    """A claim link with its page anchor."""
    return ClaimRef(label, links.local_url(iri), "claim-" + local_name(iri))


def _source_bits(links: Links, source: Resource | None) -> tuple[list[Link], list[Link], str]:
    if source is None:
        return [], [], ""
    issued = source.text(DCT + "issued")
    when = human_date(issued) if issued else window_text(source.text(SHG + "earliestPublication"),
                                                          source.text(SHG + "latestPublication"))
    return links_of(links, source, DCT + "publisher"), links_of(links, source, DCT + "creator"), when


def claim_row(links: Links, claim: Resource, related: dict[str, Resource]) -> ClaimRow:
    """A claim's row from its facts and those of its speakers and source."""
    speakers = []
    for value in claim.values(PROV + "wasAttributedTo"):
        person = related.get(value.text)
        affiliation = person.first(SCHEMA + "affiliation") if person else None
        speakers.append(Speaker(value_link(links, value), value_link(links, affiliation) if affiliation else None,
                                person.text(SCHEMA + "jobTitle") if person else None))
    roles = []
    # relays and principals are qualified influences; older data may still carry qualified attributions
    for value in claim.values(PROV + "qualifiedInfluence") + claim.values(PROV + "qualifiedAttribution"):
        if value.node and (agent := value.node.first(PROV + "agent")):
            role = value.node.first(PROV + "hadRole")
            roles.append((role.display if role else _("attributed to"), value_link(links, agent)))
    counts = [count_view(v.node) for v in claim.values(SHG + "count") if v.node is not None]
    killed = [c for c in counts if c.type_slug == "killed" and not c.subtotal]
    total = killed[0] if killed else None
    source = claim.first(PROV + "wasDerivedFrom")
    publishers, creators, when = _source_bits(links, related.get(source.text) if source else None)
    stance = claim.first(SHG + "stance")
    return ClaimRow(
        ref=claim_ref(links, claim.id, claim.label), label=claim.label,
        stance=value_link(links, stance) if stance else None,
        stance_slug=local_name(stance.text) if stance else "", speakers=speakers, roles=sorted(roles, key=str),
        about=links_of(links, claim, SHG + "about"), total=total,
        other_counts=[c for c in counts if c is not total],
        victim_status=links_of(links, claim, SHG + "victimStatus"),
        victim_groups=links_of(links, claim, SHG + "victimGroup"),
        populations=links_of(links, claim, SHG + "targetedPopulation"),
        perpetrators=links_of(links, claim, SHG + "allegedPerpetrator"),
        methods=links_of(links, claim, SHG + "method"), mentions=links_of(links, claim, SHG + "mentions"),
        characterisations=texts(claim, SHG + "characterisation"),
        speaker_words=texts(claim, SHG + "speakerWords"),
        quotes=sorted(v.node.text(P["oa"] + "exact") or "" for v in claim.values(SHG + "quote") if v.node),
        source=value_link(links, source) if source else None, publishers=publishers, creators=creators,
        source_date=when, comment=claim.text(RDFS + "comment"),
        quote_lang=related[source.text].text(DCT + "language") if source and source.text in related else None,
        label_lang=claim.label_lang if claim.label_lang != current() else None,
        responds_to=[claim_ref(links, v.text, v.display) for v in claim.values(SHG + "respondsTo")],
        part_of=links_of(links, claim, SHG + "allegedPartOf"),
        coded=SHG + "CodedClaim" in claim.types, cited_sources=claim.text(SHG + "citedSources"),
        coded_parties=links_of(links, claim, SHG + "codedParty"),
    )


def claim_rows(links: Links, claims: dict[str, Resource], related: dict[str, Resource]) -> list[ClaimRow]:
    """Rows for claims, each knowing which of the others answer it."""
    built = {iri: claim_row(links, c, related) for iri, c in claims.items()}
    for row in built.values():
        for target in row.responds_to:
            for other in built.values():
                if other.ref.href == target.href:
                    other.answered_by.append(row.ref)
    return list(built.values())


def _figure(row: ClaimRow) -> int:
    count = row.total
    return max((n for n in (count.low, count.best, count.high) if n is not None), default=-1) if count else -1


def comparison_order(rows_: list[ClaimRow]) -> list[ClaimRow]:
    """Claims with the largest figures first; each response right after the last claim it answers."""
    originals = sorted((r for r in rows_ if not r.is_response), key=lambda r: (-_figure(r), r.label))
    ordered = list(originals)
    for response in sorted((r for r in rows_ if r.is_response), key=lambda r: r.label):
        targets = [i for i, r in enumerate(ordered) if r.ref in response.responds_to or
                   any(t.href == r.ref.href for t in response.responds_to)]
        ordered.insert(max(targets) + 1 if targets else len(ordered), response)
    return ordered


#: Stances that contest what another claim says (the victims' status, the events): shown beside a speaker's toll.
CONTESTING = ("disputes", "denies")


def stance_note(row: ClaimRow, rows_: list[ClaimRow]) -> tuple[str, str]:
    """What a chart row says besides its figure, and the stance its words are drawn in: the claim's stance,
    what it says the victims were, and what the same speakers contest in their other claims on the page.

    A toll of 29 "confirmed" by a source who in the next breath calls the dead "terrorists" is no
    agreement with those who say 29 civilians were killed; the note says so under the speaker's name.
    """
    parts = [row.stance.text] if row.stance else []
    if row.victim_status:
        parts.append(_("victims: %(status)s") % {"status": ", ".join(v.text for v in row.victim_status)})
    slug = row.stance_slug
    speakers = {s.link.href for s in row.speakers}
    for other in rows_:
        if other is row or other.stance_slug not in CONTESTING or not speakers & {s.link.href for s in other.speakers}:
            continue
        what = [v.text for v in other.victim_status] + [f"“{c}”" for c in other.characterisations]
        stance = other.stance.text if other.stance else other.stance_slug
        parts.append(_("the same speaker %(stance)s: %(what)s") % {"stance": stance, "what": ", ".join(what)}
                     if what else _("the same speaker %(stance)s other claims") % {"stance": stance})
        slug = other.stance_slug
    return " · ".join(parts), slug


def chart_for(rows_: list[ClaimRow]) -> RangeChart | None:
    """The fatality-range picture of the claims that give a total death toll, each with its stance."""
    items = [RangeInput(_speaker_names(r), "#" + r.ref.anchor, r.total.text, r.total.low, r.total.best,
                        r.total.high, r.total.qualifier, *stance_note(r, rows_)) for r in rows_ if r.total is not None]
    return range_chart(items) if items else None


def _speaker_names(row: ClaimRow) -> str:
    return " & ".join(s.link.text for s in row.speakers) or row.label  # shortened to fit where it is drawn


def claims_selector(pattern: str) -> str:
    """A selector for claims matching ``pattern`` (which uses ``?s``).

    The type is checked with FILTER EXISTS: as a joined triple pattern the
    store may start from it and scan every claim before the selective pattern.
    """
    return f"{pattern} FILTER EXISTS {{ ?s a <{SHG}Claim> }}"


#: From a claim to the speakers and source documents its row shows.
RELATED = f"<{PROV}wasAttributedTo>|<{PROV}wasDerivedFrom>"
#: What a claim's row shows of its speakers and source documents (see :func:`claim_row`):
#: only these of their triples are read.
RELATED_PROPS = (*LABEL_PROPS, SCHEMA + "affiliation", SCHEMA + "jobTitle", DCT + "publisher", DCT + "creator",
                 DCT + "issued", DCT + "language", SHG + "earliestPublication", SHG + "latestPublication")


def split_claims(found: dict[str, Resource]) -> tuple[dict[str, Resource], dict[str, Resource]]:
    """Claims read with their speakers and sources (see :data:`RELATED`), told apart."""
    claims = {iri: r for iri, r in found.items() if SHG + "Claim" in r.types}
    return claims, found


def rows_by_iri(backend: GraphBackend, links: Links, iris: list[str]) -> dict[str, ClaimRow]:
    """The rows of the given claims (two queries: the claims with their speakers and sources, and labels)."""
    claims, related = split_claims(facts_of(backend, iris, hop=RELATED, hop_props=RELATED_PROPS))
    claims = {iri: claims[iri] for iri in iris if iri in claims}
    return dict(zip(claims, claim_rows(links, claims, related)))


def claims_part(total: int, iris: list[str], claim_rows_: dict[str, ClaimRow], more: str | None,
                cap: int = COUNT_CAP) -> Part[ClaimRow]:
    """A :class:`Part` of claim rows, by label."""
    return part(total, [claim_rows_[i] for i in iris if i in claim_rows_], more, key=lambda r: r.label.casefold(),
                cap=cap)
