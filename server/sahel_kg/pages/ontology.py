"""Views of the ontology, its terms, the concept schemes and the SHACL shapes.

Generated from the graph itself, so the documentation never drifts from the
ontology that the data is validated against.

>>> tree_order({"a": None, "b": "a", "c": None})
[('a', 0), ('b', 1), ('c', 0)]
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sahel_kg.labels import RDFS_LABEL, SKOS_PREF, label_optional
from sahel_kg.links import Links
from sahel_kg.namespaces import PREFIXES, local_name
from sahel_kg.pages.i18n import N_, _
from sahel_kg.pages.resources import Resource, facts, rows
from sahel_kg.pages.views import EntityView, Link, entity_base, kind_words, link_to, links_of
from sahel_kg.store.backend import GraphBackend

#: Instances and uses are counted up to this many (counting is a scan); more shows as "more than".
COUNT_CAP = 10_000

P = PREFIXES
OWL, RDFS, SKOS, SH = P["owl"], P["rdfs"], P["skos"], P["sh"]


@dataclass(frozen=True)
class TermItem:
    """A term in a list: link, kind and definition."""

    link: Link
    kind: str = ""
    definition: str = ""
    count: int | None = None
    depth: int = 0


@dataclass
class ClassView:
    """An ontology class."""

    base: EntityView
    definition: str | None
    superclasses: list[Link]
    subclasses: list[Link]
    domain_of: list[Link]
    range_of: list[Link]
    direct_instances: int
    all_instances: int
    defined_by: list[Link]
    browse: str | None = None

    @property
    def many(self) -> bool:
        """More instances than were counted (see :data:`COUNT_CAP`)."""
        return self.all_instances > COUNT_CAP


@dataclass
class PropertyView:
    """An ontology property."""

    base: EntityView
    definition: str | None
    kinds: list[str]
    domain: list[Link]
    range: list[Link]
    super_properties: list[Link]
    usage: int
    shapes: list[Link]
    defined_by: list[Link]


@dataclass
class OntologyView:
    """The ontology document: metadata and every term it defines."""

    base: EntityView
    description: str | None
    version: str | None
    license: list[Link]
    prefix: str | None
    namespace: str | None
    classes: list[TermItem]
    properties: list[TermItem]
    schemes: list[TermItem]
    rules: list[TermItem]


@dataclass
class SchemeView:
    """A SKOS concept scheme with its concepts as a tree."""

    base: EntityView
    definition: str | None
    concepts: list[TermItem]


@dataclass
class ConceptView:
    """A SKOS concept."""

    base: EntityView
    definition: str | None
    schemes: list[Link]
    broader: list[Link]
    narrower: list[Link]
    usage: list[TermItem]
    total_usage: int
    many: bool = False  # more uses than were counted: the numbers are of the first COUNT_CAP + 1


@dataclass(frozen=True)
class Constraint:
    """One constraint of a shape: its name and values."""

    name: str
    values: list[Link]


@dataclass
class ShapeView:
    """A SHACL node or property shape."""

    base: EntityView
    targets: list[tuple[str, Link]]
    path: list[Link]
    constraints: list[Constraint]
    messages: list[str]
    properties: list[ShapeView] = field(default_factory=list)
    used_by: list[Link] = field(default_factory=list)


def definition(resource: Resource) -> str | None:
    """skos:definition, else rdfs:comment."""
    return resource.text(SKOS + "definition") or resource.text(RDFS + "comment")


def class_view(backend: GraphBackend, links: Links, cls: Resource) -> ClassView:
    """A class: definition, super- and subclasses, properties, instance counts (four queries)."""
    c = cls.id
    around = facts(backend, f"{{ ?s <{RDFS}subClassOf> <{c}> }} UNION {{ ?s <{RDFS}domain> <{c}> }} "
                            f"UNION {{ ?s <{RDFS}range> <{c}> }}")
    counts = rows(backend, f"""SELECT ?direct ?all WHERE {{
      {{ SELECT (COUNT(*) AS ?direct) WHERE {{ SELECT DISTINCT ?i WHERE {{ ?i a <{c}> }} LIMIT {COUNT_CAP + 1} }} }}
      {{ SELECT (COUNT(*) AS ?all) WHERE {{ SELECT DISTINCT ?j WHERE {{ ?j a/<{RDFS}subClassOf>* <{c}> }}
         LIMIT {COUNT_CAP + 1} }} }} }}""")
    def pick(prop: str) -> list[Link]:
        return sorted((link_to(links, r.id, r.label) for r in around.values() if c in r.iris(prop)),
                      key=lambda link: link.text)

    listed = {"Incident": "incidents", "Claim": "claims", "Actor": "actors",
              "Place": "places", "SourceDocument": "sources"}.get(local_name(c))
    browse = links.browse(listed) if listed else None
    return ClassView(
        entity_base(links, cls, N_("Class")), definition(cls), links_of(links, cls, RDFS + "subClassOf"),
        pick(RDFS + "subClassOf"), pick(RDFS + "domain"), pick(RDFS + "range"),
        int(counts[0].get("direct", 0)) if counts else 0, int(counts[0].get("all", 0)) if counts else 0,
        links_of(links, cls, RDFS + "isDefinedBy"), browse if c.startswith(P["shg"]) else None,
    )


def property_view(backend: GraphBackend, links: Links, prop: Resource) -> PropertyView:
    """A property: domain, range, definition, how often it is used and which shapes check it (one query)."""
    p = prop.id
    # A property shape is usually a blank node inside a node shape: the node shape is what has a page.
    found = rows(backend, f"""SELECT ?n ?shape ?sl WHERE {{
      {{ SELECT (COUNT(*) AS ?n) WHERE {{ ?x <{p}> ?y }} }}
      OPTIONAL {{ ?checks <{SH}path> <{p}> . OPTIONAL {{ ?parent <{SH}property> ?checks }}
                 BIND(IF(isBlank(?checks), ?parent, ?checks) AS ?shape) FILTER(isIRI(?shape))
                 {label_optional('?shape', 'sl', RDFS_LABEL)} }} }}""")
    shapes = sorted({link_to(links, r["shape"], r.get("sl")) for r in found if "shape" in r}, key=lambda x: x.text)
    kinds = sorted(kind_words(local_name(t)) for t in prop.types)
    return PropertyView(
        entity_base(links, prop, N_("Property")), definition(prop), kinds, links_of(links, prop, RDFS + "domain"),
        links_of(links, prop, RDFS + "range"), links_of(links, prop, RDFS + "subPropertyOf"),
        int(found[0]["n"]) if found else 0, shapes, links_of(links, prop, RDFS + "isDefinedBy"),
    )


#: A derivation rule (written by the build into the derived graph, defined by the ontology).
PROV_PLAN = P["prov"] + "Plan"


def ontology_view(backend: GraphBackend, links: Links, onto: Resource) -> OntologyView:
    """The ontology's metadata and the terms defined by it (one query)."""
    found = rows(backend, f"""SELECT ?t ?type ?l ?def WHERE {{
      ?t <{RDFS}isDefinedBy> <{onto.id}> ; a ?type . OPTIONAL {{ ?t <{RDFS_LABEL}>|<{SKOS_PREF}> ?l FILTER(LANG(?l) IN ('en', '')) }}
      OPTIONAL {{ ?t <{SKOS}definition> ?def }} OPTIONAL {{ ?t a <{PROV_PLAN}> ; <{RDFS}comment> ?words }} }}""")
    items: dict[str, dict[str, TermItem]] = {"class": {}, "property": {}, "scheme": {}, "rule": {}}
    for r in found:
        group = {"Class": "class", "ObjectProperty": "property", "DatatypeProperty": "property",
                 "ConceptScheme": "scheme", "Plan": "rule"}.get(local_name(r["type"]))
        if group:
            kind = _("computed at build time") if group == "rule" else kind_words(local_name(r["type"])).lower()
            items[group][r["t"]] = TermItem(link_to(links, r["t"], r.get("l")), kind, r.get("def") or r.get("words", ""))
    def ordered(group: str) -> list[TermItem]:
        return sorted(items[group].values(), key=lambda i: i.link.text.casefold())

    return OntologyView(
        entity_base(links, onto, N_("Ontology")), onto.text(P["dcterms"] + "description"),
        onto.text(OWL + "versionInfo"), links_of(links, onto, P["dcterms"] + "license"),
        onto.text(P["vann"] + "preferredNamespacePrefix"), onto.text(P["vann"] + "preferredNamespaceUri"),
        ordered("class"), ordered("property"), ordered("scheme"), ordered("rule"),
    )


def tree_order(parents: dict[str, str | None]) -> list[tuple[str, int]]:
    """Nodes depth-first from the roots (parents outside the set count as roots), with depths."""
    children: dict[str | None, list[str]] = {}
    for node, parent in parents.items():
        children.setdefault(parent if parent in parents else None, []).append(node)
    out: list[tuple[str, int]] = []

    def walk(node: str | None, depth: int) -> None:
        for child in sorted(children.get(node, [])):
            out.append((child, depth))
            walk(child, depth + 1)

    walk(None, 0)
    return out


def scheme_view(backend: GraphBackend, links: Links, scheme: Resource) -> SchemeView:
    """A concept scheme: its concepts as a tree, with how often each is used (two queries)."""
    found = rows(backend, f"""SELECT ?c ?l ?def ?broader WHERE {{
      ?c <{SKOS}inScheme> <{scheme.id}> . {label_optional('?c', 'l', SKOS_PREF)}
      OPTIONAL {{ ?c <{SKOS}definition> ?def }} OPTIONAL {{ ?c <{SKOS}broader> ?broader }} }}""")
    info = {r["c"]: r for r in found}
    uses = capped_uses(backend, sorted(info))
    concepts = [TermItem(link_to(links, c, info[c].get("l")), "", info[c].get("def", ""),
                         uses.get(c, 0), depth)
                for c, depth in tree_order({c: r.get("broader") for c, r in info.items()})]
    return SchemeView(entity_base(links, scheme, N_("Concept scheme")), definition(scheme), concepts)


def capped_uses(backend: GraphBackend, concepts: list[str]) -> dict[str, int]:
    """How many subjects use each concept (not by SKOS), each counted up to :data:`COUNT_CAP` + 1 (one query)."""
    if not concepts:
        return {}
    parts = [f"""{{ {{ SELECT (COUNT(*) AS ?n) WHERE {{ SELECT DISTINCT ?x WHERE {{
               ?x ?p <{c}> FILTER(!STRSTARTS(STR(?p), "{SKOS}")) }} LIMIT {COUNT_CAP + 1} }} }} BIND(<{c}> AS ?c) }}"""
             for c in concepts]
    return {r["c"]: int(r["n"]) for r in rows(backend, "SELECT ?c ?n WHERE { " + " UNION ".join(parts) + " }")}


def concept_view(backend: GraphBackend, links: Links, concept: Resource) -> ConceptView:
    """A concept: definition, broader and narrower, and its use per property (one query).

    Uses are counted among the first :data:`COUNT_CAP` + 1 only: a concept such
    as a count type is used hundreds of thousands of times.
    """
    c = concept.id
    found = rows(backend, f"""SELECT ?kind ?x ?xl ?n WHERE {{
      {{ BIND("narrower" AS ?kind) ?x <{SKOS}broader> <{c}> {label_optional('?x', 'xl', SKOS_PREF)} }}
      UNION {{ {{ SELECT ("use" AS ?kind) ?x (COUNT(*) AS ?n) WHERE {{ {{ SELECT ?s ?x WHERE {{
        ?s ?x <{c}> FILTER(!STRSTARTS(STR(?x), "{SKOS}")) }} LIMIT {COUNT_CAP + 1} }} }} GROUP BY ?x }}
        {label_optional('?x', 'xl', RDFS_LABEL)} }} }}""")
    narrower = sorted((link_to(links, r["x"], r.get("xl")) for r in found if r["kind"] == "narrower"),
                      key=lambda x: x.text)
    usage = sorted((TermItem(link_to(links, r["x"], r.get("xl")), count=int(r["n"]))
                    for r in found if r["kind"] == "use"), key=lambda t: -(t.count or 0))
    total = sum(t.count or 0 for t in usage)
    return ConceptView(
        entity_base(links, concept, N_("Concept")), definition(concept),
        links_of(links, concept, SKOS + "inScheme") or links_of(links, concept, SKOS + "topConceptOf"),
        links_of(links, concept, SKOS + "broader"), narrower, usage, total, total > COUNT_CAP,
    )


TARGETS = ("targetClass", "targetNode", "targetSubjectsOf", "targetObjectsOf", "target")
SKIP = {"property", "message", "path", *TARGETS}


def _shape_parts(links: Links, shape: Resource) -> tuple[list[tuple[str, Link]], list[Link],
                                                                    list[Constraint], list[str]]:
    targets = []
    for name in TARGETS:
        for v in shape.values(SH + name):
            shown = Link("a SPARQL-based target", "#", None) if v.kind == "bnode" else link_to(links, v.text, v.label)
            targets.append((name, shown))
    constraints = []
    for prop in sorted(shape.props):
        name = local_name(prop)
        if prop.startswith(SH) and name not in SKIP:
            values = [link_to(links, v.text, v.label) if v.kind == "iri" else Link(v.text or "[…]", "", None)
                      for v in shape.values(prop)]
            constraints.append(Constraint(name, values))
    return targets, links_of(links, shape, SH + "path"), constraints, sorted(v.text for v in shape.values(SH + "message"))


def shape_view(backend: GraphBackend, links: Links, shape: Resource) -> ShapeView:
    """A shape, its targets, constraints and messages, and its property shapes (three queries)."""
    s = shape.id
    around = facts(backend, f"{{ <{s}> <{SH}property> ?s }} UNION {{ ?s <{SH}property> <{s}> }}")
    view = ShapeView(entity_base(links, shape, N_("Shape")), *_shape_parts(links, shape))
    for iri in shape.iris(SH + "property"):
        if iri in around:
            sub = around[iri]
            view.properties.append(ShapeView(entity_base(links, sub, N_("Shape")), *_shape_parts(links, sub)))
    view.used_by = sorted((link_to(links, r.id, r.label) for r in around.values() if s in r.iris(SH + "property")),
                          key=lambda x: x.text)
    return view
