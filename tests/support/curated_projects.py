"""The projects the curated-data checks run on: the checkout, and copies of it with a new source.

The checks in ``test_data.py`` and ``test_competency_questions.py`` assert
invariants, never totals, so they must pass on whatever valid data is there.
To prove it they also run on copies of the project to which a curator's
valid new source document was added, generated here the way a curator adds
one: ``sahel-kg new-source`` scaffolds the file, the source, its claims and
the entities they name are filled in, ``sahel-kg fmt`` canonicalises the
files, and the captured text goes beside the others.

Two kinds of additions (:data:`SCENARIOS`): a document about a new incident
(one incident, one place, three actors, one claim: the case that broke the
suite once), and a document that adds a conflicting figure and a denial to
an incident the competency questions name. The ``project`` fixture
(``tests/conftest.py``) gives the checkout, then a copy with each.
"""

from __future__ import annotations

import contextlib
import io
import random
import shutil
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import pyoxigraph

from sahel_kg.cli import main as sahel_kg
from support.fixture_project import sources_dir
from support.project_data import ROOT, SOURCES_DIR, load_project_store

#: The additions a copy can receive, each a function of (root, seed) in :data:`GENERATORS`.
SCENARIOS = ("new-incident", "known-incident")
PREFIXES = """PREFIX acat: <https://w3id.org/sahel-harm/vocab/actor-category/>
PREFIX actor: <https://w3id.org/sahel-harm/id/actor/>
PREFIX claim: <https://w3id.org/sahel-harm/id/claim/>
PREFIX cqual: <https://w3id.org/sahel-harm/vocab/count-qualifier/>
PREFIX ctype: <https://w3id.org/sahel-harm/vocab/count-type/>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX geo: <http://www.opengis.net/ont/geosparql#>
PREFIX incident: <https://w3id.org/sahel-harm/id/incident/>
PREFIX itype: <https://w3id.org/sahel-harm/vocab/incident-type/>
PREFIX oa: <http://www.w3.org/ns/oa#>
PREFIX place: <https://w3id.org/sahel-harm/id/place/>
PREFIX pprec: <https://w3id.org/sahel-harm/vocab/place-precision/>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX schema: <https://schema.org/>
PREFIX sem: <http://semanticweb.cs.vu.nl/2009/11/sem/>
PREFIX shg: <https://w3id.org/sahel-harm/ontology/>
PREFIX source: <https://w3id.org/sahel-harm/id/source/>
PREFIX stance: <https://w3id.org/sahel-harm/vocab/stance/>
PREFIX tprec: <https://w3id.org/sahel-harm/vocab/time-precision/>
PREFIX vstatus: <https://w3id.org/sahel-harm/vocab/victim-status/>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
"""


@dataclass
class Project:
    """A project root to check, where its captured documents are, and what was added to it."""

    name: str
    root: Path
    sources: Path
    added: list[str] = field(default_factory=list)  # the IRIs the generated document added
    _store: pyoxigraph.Store | None = None

    @property
    def store(self) -> pyoxigraph.Store:
        """Every Turtle file of the project in its own named graph, and the derived graph, in memory (loaded once)."""
        if self._store is None:
            self._store = load_project_store(self.root, derived=True)  # what the build serves
        return self._store


def run(*args: str | Path) -> tuple[int, str]:
    """Run a ``sahel-kg`` command in process: its exit code and what it printed."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
        code = sahel_kg([str(a) for a in args])
    return code, out.getvalue()


def copy_project(target: Path) -> Path:
    """A copy of the checkout's Turtle folders at ``target``, its captures beside it as in the checkout."""
    for folder in ("ontology", "shapes", "data"):
        shutil.copytree(ROOT / folder, target / folder)
    sources_dir(target).mkdir(parents=True)
    if SOURCES_DIR.is_dir():
        shutil.copytree(SOURCES_DIR, sources_dir(target), dirs_exist_ok=True)
    return target


def append(path: Path, turtle: str) -> None:
    """Append statements (with their prefixes) to a Turtle file, as a curator's edit would."""
    with path.open("a", encoding="utf-8") as f:
        f.write("\n" + PREFIXES + turtle)


def fictional_name(rng: random.Random) -> str:
    """A made-up place name, from syllables."""
    return "".join(rng.choice(part) for part in (("Ta", "Ke", "Ou", "Zi", "Bo"), ("mar", "sek", "dol", "ruk", "fen"),
                                                   ("ine", "at", "ou", "ane")))


def edit(path: Path, old: str, new: str) -> None:
    """Replace one passage of a file, which must be there."""
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} is not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def scaffold(root: Path, slug: str, title: str, capture: str) -> Path:
    """``sahel-kg new-source``, the capture file written beside the others; the new file's path."""
    code, said = run("--root", root, "new-source", slug, "--title", title, "--capture-file", f"{slug}.txt")
    assert code == 0, said
    (sources_dir(root) / f"{slug}.txt").write_text(capture, encoding="utf-8")
    path = root / "data" / "ttl" / "sources" / f"{slug}.ttl"
    if f'dcterms:title "{title}"@' not in path.read_text(encoding="utf-8"):  # the title's language tag
        edit(path, f'dcterms:title "{title}"', f'dcterms:title "{title}"@en')
    return path


def outlet_and_author(root: Path, tag: str, name: str) -> tuple[str, str]:
    """Two new actors in actors.ttl: a news outlet and its journalist."""
    append(root / "data" / "ttl" / "actors.ttl", f"""
actor:{tag}-courier a shg:Organisation ; rdfs:label "The {name} Courier"@en ;
    rdfs:comment "Test data: a generated outlet."@en ; shg:actorCategory acat:news-media ;
    shg:sourceType stype:media ; shg:sourceScale sscale:national .
actor:{tag}-reporter a shg:Person ; rdfs:label "Reporter of the {name} Courier"@en ;
    rdfs:comment "Test data: a generated journalist."@en ; schema:affiliation actor:{tag}-courier .
""")
    return f"actor:{tag}-courier", f"actor:{tag}-reporter"


def new_incident(root: Path, seed: int) -> list[str]:
    """One incident in a new village of the Kidal region, one claim about it, three new actors."""
    rng = random.Random(seed)
    name = fictional_name(rng)
    tag, day, toll = f"generated-{seed}-{name.lower()}", date(2024, 5, 1) + timedelta(days=rng.randrange(60)), rng.randrange(5, 90)
    slug = f"{tag}-killings"
    quote = f"The {name} Rights Committee said at least {toll} civilians were killed in {name} on {day:%d %B}."
    path = scaffold(root, slug, f"At least {toll} killed in {name}", f"TEST DATA (generated)\n\n{quote}\n")
    outlet, reporter = outlet_and_author(root, tag, name)
    append(root / "data" / "ttl" / "actors.ttl", f"""
actor:{tag}-rights-committee a shg:Organisation ; rdfs:label "{name} Rights Committee"@en ;
    rdfs:comment "Test data: a generated speaker."@en ; shg:actorCategory acat:human-rights-organisation ;
    shg:sourceType stype:rights-group ; shg:sourceScale sscale:local .
""")
    append(root / "data" / "ttl" / "places.ttl", f"""
place:{tag} a shg:Place ; rdfs:label "{name}"@en ; rdfs:comment "Test data: a generated village."@en ;
    geo:sfWithin place:kidal-region ; shg:placePrecision pprec:village .
""")
    append(root / "data" / "ttl" / "events.ttl", f"""
incident:{slug} a shg:Incident ; rdfs:label "Killings in {name} ({day:%d %B %Y})"@en ;
    sem:eventType itype:attack ; sem:hasPlace place:{tag} ; shg:placePrecision pprec:village ;
    sem:hasEarliestBeginTimeStamp "{day}"^^xsd:date ; sem:hasLatestEndTimeStamp "{day}"^^xsd:date ;
    shg:timePrecision tprec:day .
""")
    edit(path, "shg:timePrecision tprec:unknown", "shg:timePrecision tprec:day")
    append(path, f"""
source:{slug} dcterms:publisher {outlet} ; dcterms:creator {reporter} ; dcterms:language "en" ;
    dcterms:issued "{day + timedelta(days=1)}"^^xsd:date .
claim:{slug}-at-least-{toll} a shg:Claim ;
    rdfs:label "{name} Rights Committee: at least {toll} civilians killed in {name}"@en ;
    prov:wasAttributedTo actor:{tag}-rights-committee ; prov:wasDerivedFrom source:{slug} ;
    shg:about incident:{slug} ; shg:stance stance:alleges ; shg:victimStatus vstatus:civilians ;
    shg:count [ a shg:Count ; shg:countType ctype:killed ; shg:countQualifier cqual:at-least ; shg:low {toll} ] ;
    shg:quote [ a oa:TextQuoteSelector ; oa:exact "{quote}" ] .
""")
    return [f"incident/{slug}", f"place/{tag}", f"source/{slug}", f"claim/{slug}-at-least-{toll}"]


def known_incident(root: Path, seed: int) -> list[str]:
    """A conflicting figure about the Amassine killings, and the Malian army's denial of it."""
    rng = random.Random(seed)
    name, toll = fictional_name(rng), rng.randrange(45, 120)
    tag = f"generated-{seed}-{name.lower()}"
    slug = f"{tag}-amassine"
    alleged = f"A {name} elder said at least {toll} people were killed in Amassine."
    denied = "The army denied that anyone was killed."
    path = scaffold(root, slug, f"Elder: at least {toll} killed in Amassine",
                    f"TEST DATA (generated)\n\n{alleged} {denied}\n")
    outlet, reporter = outlet_and_author(root, tag, name)
    append(root / "data" / "ttl" / "actors.ttl", f"""
actor:{tag}-elder a shg:Person ; rdfs:label "An elder of {name}"@en ;
    rdfs:comment "Test data: a generated speaker."@en ; shg:sourceType stype:community ; shg:sourceScale sscale:local .
""")
    edit(path, "shg:timePrecision tprec:unknown", "shg:timePrecision tprec:day")
    append(path, f"""
source:{slug} dcterms:publisher {outlet} ; dcterms:creator {reporter} ; dcterms:language "en" ;
    dcterms:issued "2024-06-{rng.randrange(1, 29):02d}"^^xsd:date .
claim:{slug}-at-least-{toll} a shg:Claim ; rdfs:label "Elder: at least {toll} killed in Amassine"@en ;
    prov:wasAttributedTo actor:{tag}-elder ; prov:wasDerivedFrom source:{slug} ;
    shg:about incident:amassine-killings ; shg:stance stance:alleges ;
    shg:allegedPerpetrator actor:malian-armed-forces ;
    shg:count [ a shg:Count ; shg:countType ctype:killed ; shg:countQualifier cqual:at-least ; shg:low {toll} ] ;
    shg:quote [ a oa:TextQuoteSelector ; oa:exact "{alleged}" ] .
claim:{slug}-army-denies a shg:Claim ; rdfs:label "The Malian army denies the elder's figure"@en ;
    prov:wasAttributedTo actor:malian-armed-forces ; prov:wasDerivedFrom source:{slug} ;
    shg:about incident:amassine-killings ; shg:stance stance:denies ;
    shg:respondsTo claim:{slug}-at-least-{toll} ;
    shg:quote [ a oa:TextQuoteSelector ; oa:exact "{denied}" ] .
""")
    return [f"source/{slug}", f"claim/{slug}-at-least-{toll}", f"claim/{slug}-army-denies"]


GENERATORS = {"new-incident": new_incident, "known-incident": known_incident}


def with_generated_source(target: Path, scenario: str, *, seed: int = 1) -> Project:
    """A copy of the project at ``target`` with one generated source document, formatted as ``sahel-kg fmt`` does."""
    root = copy_project(target)
    added = GENERATORS[scenario](root, seed)
    code, said = run("--root", root, "fmt")
    assert code == 0, said
    return Project(f"with-{scenario}", root, sources_dir(root), added)


def curated() -> Project:
    """The checkout itself."""
    return Project("curated", ROOT, SOURCES_DIR)

