"""``sahel-kg synth``: a synthetic corpus with the statistical shape of conflict-event data.

The corpus is a complete project root: ``DIR/data/ttl/{actors,places,events}.ttl``
and one file per source document in ``DIR/data/ttl/sources/``, with
``DIR/ontology`` and ``DIR/shapes`` copied from this checkout's, and each
document's captured text (holding its quotes) in ``DIR/captures/``, which
``DIR/.env`` names as the sources folder; so ``sahel-kg --root DIR
validate|build|serve`` work on it unchanged.

What it imitates (ACLED/UCDP-like event data, seen through our claim model):

- a place hierarchy country → region → area → village, incidents clustered on
  a minority of hotspot villages, about 60 % of villages with coordinates;
- incidents with partial dates (day, month, year or unknown precision), a
  minority of them dated by a curator inference that says why;
- several source documents per incident, and source documents that cover
  several incidents (news items cover one or two, round-ups a few, reports of
  human-rights organisations a dozen or more);
- several claims per (document, incident) from different speakers: the outlet's
  own report, an accuser, a state force that disputes or denies (pointing at the
  claim it answers, possibly in an earlier document), anonymous sources with
  an affiliation (one actor per document, never shared);
- death tolls that disagree between speakers, given as exact figures, "at
  least", "more than", "around", "dozens" or without a number, and missing
  altogether on many claims.

Output is streamed: each source document is written as soon as it is complete,
and only a bounded window of open incidents is held in memory. The same seed
gives byte-identical files.

>>> import tempfile
>>> with tempfile.TemporaryDirectory() as d:
...     stats = generate(Path(d), incidents=20, seed=1)
...     stats.incidents, stats.sources > 0, stats.claims >= 20
(20, True, True)
"""

from __future__ import annotations

import argparse
import bisect
import random
import shutil
import sys
import time
from collections import deque
from datetime import date, timedelta
from pathlib import Path

from sahel_kg.devtools.world import (
    COUNTRIES,
    FORCES,
    GROUPS,
    ITYPES,
    METHODS,
    SYLLABLES,
    VGROUPS,
    WATCHERS,
    OpenIncident,
    Place,
    Stats,
    Writer,
    _esc,
    _source_kind,
    _weighted,
)
from sahel_kg.project import project_root

#: The corpus's sources folder (relative to its root, as its .env says).
CAPTURES = "captures"


class Generator:
    """Writes one corpus; see :func:`generate`."""

    def __init__(self, out: Path, *, incidents: int, seed: int) -> None:
        self.rng = random.Random(seed)
        self.n = incidents
        self.out = out
        self.data = out / "data" / "ttl"
        self.stats = Stats()
        self.hot: list[float] = []  # cumulative weights over villages
        self.villages: list[Place] = []
        self.outlets: list[str] = []
        self.people: list[tuple[str, str]] = []  # (slug, affiliation)
        self.window: deque[OpenIncident] = deque()
        self.next_incident = 0
        self.quoted: list[str] = []  # the current document's quotes, for its capture

    # ------------------------------------------------------------ reference data

    def _name(self) -> str:
        k = self.rng.choice([2, 2, 3, 3, 4])
        return "".join(self.rng.choice(SYLLABLES) for _ in range(k)).capitalize()

    def _place(self, w: Writer, slug: str, label: str, precision: str, within: Place | None,
               country: str, point: tuple[float, float] | None) -> Place:
        lines = [f"place:{slug}\n    a shg:Place ;\n    rdfs:label \"{_esc(label)}\"@en ;\n"]
        n = 3
        if point is not None:
            lines.append(f"    geo:hasGeometry [ a geo:Geometry ; geo:asWKT \"POINT({point[0]:.4f} {point[1]:.4f})\"^^geo:wktLiteral ] ;\n")
            n += 3
        if within:
            lines.append(f"    geo:sfWithin place:{within.slug} ;\n")
            n += 1
        lines.append(f"    shg:placePrecision pprec:{precision} ;\n.\n\n")
        w.block("".join(lines), n)
        self.stats.places += 1
        lon, lat = point or (0.0, 0.0)
        return Place(slug, label, country, lon, lat, precision, within)

    def write_places(self) -> None:
        w = Writer(self.data / "places.ttl", self.stats)
        villages_wanted = max(30, self.n // 15)
        per_country = villages_wanted // len(COUNTRIES) + 1
        for cslug, (clabel, lons, lats, regions) in COUNTRIES.items():
            country = self._place(w, cslug, clabel, "country", None, cslug, None)
            areas_per_region = max(2, min(40, per_country // (len(regions) * 12)))
            for region in regions:
                rslug = cslug + "-" + region.lower().replace(" ", "-") + "-region"
                region_place = self._place(w, rslug, f"{region} Region", "region", country, cslug, None)
                for a in range(areas_per_region):
                    aname = self._name()
                    aslug = f"{rslug.removesuffix('-region')}-{aname.lower()}-area-{a}"
                    area = self._place(w, aslug, f"{aname} area", "area", region_place, cslug, None)
                    for v in range(max(1, per_country // (len(regions) * areas_per_region))):
                        vname = self._name()
                        point = None
                        if self.rng.random() < 0.6:
                            point = (self.rng.uniform(*lons), self.rng.uniform(*lats))
                        vslug = f"{vname.lower()}-{aslug.rsplit('-', 1)[1]}-{a}-{v}-{cslug[:2]}{len(self.villages)}"
                        self.villages.append(self._place(w, vslug, vname, "village", area, cslug, point))
        w.close()
        # Zipf-like hotspots: a few villages see many incidents.
        total = 0.0
        for rank in range(len(self.villages)):
            total += 1.0 / (rank + 1) ** 0.8
            self.hot.append(total)
        self.rng.shuffle(self.villages)

    def _actor(self, w: Writer, slug: str, cls: str, label: str, extra: str = "", n_extra: int = 0) -> None:
        w.block(f"actor:{slug}\n    a shg:{cls} ;\n    rdfs:label \"{_esc(label)}\"@en ;\n{extra}.\n\n", 2 + n_extra)
        self.stats.actors += 1

    def write_fixed_actors(self, w: Writer) -> None:
        for slug, cls, cat, label, *_ in [*FORCES, *GROUPS, *WATCHERS]:
            self._actor(w, slug, cls, label, f"    shg:actorCategory acat:{cat} ;\n" + _source_kind(cat), 3)
        for i in range(max(20, self.n // 500)):
            slug = f"outlet-{self._name().lower()}-{i}"
            self._actor(w, slug, "Organisation", f"{self._name()} {self.rng.choice(['Info', 'News', 'Hebdo', 'Matin', 'Post', 'FM'])}",
                        "    shg:actorCategory acat:news-media ;\n" + _source_kind("news-media"), 3)
            self.outlets.append(slug)
        orgs = {f[0]: f[2] for f in [*FORCES, *GROUPS, *WATCHERS]}
        for i in range(max(30, self.n // 200)):
            slug = f"person-{self._name().lower()}-{self._name().lower()}-{i}"
            aff = self.rng.choice(list(orgs))
            self._actor(w, slug, "Person", f"{self._name()} {self._name()}",
                        f"    schema:affiliation actor:{aff} ;\n    schema:jobTitle \"spokesperson\"@en ;\n"
                        + _source_kind(orgs[aff]), 4)
            self.people.append((slug, aff))

    # ------------------------------------------------------------ incidents

    def _village(self) -> Place:
        x = self.rng.random() * self.hot[-1]
        return self.villages[min(bisect.bisect_left(self.hot, x), len(self.villages) - 1)]

    def _open_incident(self, w: Writer) -> OpenIncident:
        i = self.next_incident
        self.next_incident += 1
        itype = _weighted(self.rng, ITYPES)
        place = self._village()
        where = place
        if self.rng.random() < 0.15 and place.parent is not None:  # the sources name only the area or region
            where = place.parent
            if self.rng.random() < 0.4 and where.parent is not None:
                where = where.parent
        day = date(2012, 1, 1) + timedelta(days=self.rng.randrange(365 * 13))
        slug = f"{itype.split('-')[0]}-{place.slug}-{day.isoformat()}-{i}"
        tprec = _weighted(self.rng, [("day", 60), ("month", 22), ("year", 8), ("unknown", 10)])
        begin, end = self._window(day, tprec)
        label = f"{itype.replace('-', ' ').capitalize()} in {where.label} ({day:%B %Y})"
        lines = [f"incident:{slug}\n    a shg:Incident ;\n    rdfs:label \"{_esc(label)}\"@en ;\n"
                 f"    sem:eventType itype:{itype} ;\n"]
        n = 7
        if begin:
            lines.append(f"    sem:hasEarliestBeginTimeStamp \"{begin}\"^^xsd:date ;\n")
            n += 1
        lines.append(f"    sem:hasLatestEndTimeStamp \"{end}\"^^xsd:date ;\n    sem:hasPlace place:{where.slug} ;\n")
        if self.rng.random() < 0.15:
            props = "sem:hasEarliestBeginTimeStamp , sem:hasLatestEndTimeStamp" if begin else "sem:hasLatestEndTimeStamp"
            lines.append("    shg:curatorInference [ a shg:CuratorInference ;\n"
                         f"        shg:inferredProperty {props} ;\n"
                         f"        shg:reasoning \"The source gives the {'day and month' if tprec == 'day' else 'period'} without a year; "
                         f"the curator reads {day.year} from the events the article describes as recent.\"@en ] ;\n")
            n += 3 + props.count(",") + 1
        lines.append(f"    shg:placePrecision pprec:{where.precision} ;\n    shg:timePrecision tprec:{tprec} ;\n.\n\n")
        w.block("".join(lines), n)
        self.stats.incidents += 1
        coverage = _weighted(self.rng, [(1, 45), (2, 30), (3, 15), (4, 5), (5, 3), (6, 2)])
        victims = max(1, int(self.rng.lognormvariate(1.8, 1.0)))
        perp = self.rng.choice(["malian-armed-forces", "wagner-group", "jnim", "islamic-state-sahel",
                                "burkina-armed-forces", "volunteers-for-the-defence-of-the-homeland", "niger-armed-forces",
                                "azawad-liberation-front", "dan-na-ambassagou"])
        return OpenIncident(slug, label, itype, where, day, victims, coverage, perp)

    @staticmethod
    def _window(day: date, tprec: str) -> tuple[str | None, str]:
        if tprec == "day":
            return day.isoformat(), day.isoformat()
        if tprec == "month":
            first = day.replace(day=1)
            nxt = (first + timedelta(days=32)).replace(day=1)
            return first.isoformat(), (nxt - timedelta(days=1)).isoformat()
        if tprec == "year":
            return f"{day.year}-01-01", f"{day.year}-12-31"
        return None, (day + timedelta(days=60)).isoformat()

    # ------------------------------------------------------------ claims

    def _count(self, victims: int) -> tuple[str, int] | None:
        """A killed-count node (Turtle, triples) scattered around the true toll, or None when unstated."""
        r = self.rng.random()
        if r < 0.3:
            return None
        v = max(0, int(victims * self.rng.uniform(0.5, 1.6)))
        form = _weighted(self.rng, [("exact", 45), ("at-least", 20), ("more-than", 8), ("approximately", 15),
                                    ("dozens", 4), ("unquantified", 8)])
        figures = {"exact": f"shg:low {v} ; shg:best {v} ; shg:high {v} ;", "at-least": f"shg:low {v} ;",
                   "more-than": f"shg:low {v + 1} ;", "approximately": f"shg:best {v} ;", "dozens": "shg:low 24 ;",
                   "unquantified": ""}[form]
        n = 3 + figures.count(";")
        extra = ""
        if self.rng.random() < 0.15:
            extra = f" shg:victimGroup vgroup:{self.rng.choice(VGROUPS)} ;"
            n += 1
        return (f"[ a shg:Count ; shg:countType ctype:killed ; shg:countQualifier cqual:{form} ; {figures}{extra} ]", n)

    def _claim(self, inc: OpenIncident, src: str, n: int, *, speaker: str, stance: str, responds: list[str],
               publisher: str) -> tuple[str, int]:
        slug = f"{src}-{n}"
        rng = self.rng
        who = speaker.removeprefix("actor:")
        lines = [f"claim:{slug}\n    a shg:Claim ;\n"
                 f"    rdfs:label \"{_esc(who)} {stance}: {_esc(inc.label)}\"@en ;\n"
                 f"    prov:wasAttributedTo {speaker} ;\n    prov:wasDerivedFrom source:{src} ;\n"
                 f"    shg:about incident:{inc.slug} ;\n    shg:stance stance:{stance} ;\n"]
        t = 6
        if stance in ("alleges", "reports"):
            if rng.random() < 0.7:
                lines.append(f"    shg:allegedPerpetrator actor:{inc.perpetrator} ;\n")
                t += 1
            count = self._count(inc.victims)
            if count:
                lines.append(f"    shg:count {count[0]} ;\n")
                t += 1 + count[1]
                self.stats.counts += 1
            if rng.random() < 0.6:
                lines.append(f"    shg:victimStatus vstatus:{'civilians' if rng.random() < 0.85 else 'mixed'} ;\n")
                t += 1
            methods = METHODS[inc.itype]
            if methods and rng.random() < 0.5:
                lines.append(f"    shg:method method:{rng.choice(methods)} ;\n")
                t += 1
        else:
            lines.append(f"    shg:respondsTo {' , '.join('claim:' + r for r in responds)} ;\n")
            t += len(responds)
            if stance == "disputes" and rng.random() < 0.6:
                lines.append("    shg:victimStatus vstatus:combatants ;\n    shg:characterisation \"terrorists\"@en ;\n")
                t += 2
                count = self._count(inc.victims)
                if count:
                    lines.append(f"    shg:count {count[0]} ;\n")
                    t += 1 + count[1]
                    self.stats.counts += 1
            elif stance == "denies":
                lines.append("    shg:characterisation \"unfounded\"@en ;\n    shg:speakerWords \"unfounded\"@en ;\n")
                t += 2
        if publisher != speaker and rng.random() < 0.2:
            lines.append(f"    prov:qualifiedInfluence [ a prov:Influence ; prov:agent {publisher} ; prov:hadRole arole:relay ] ;\n")
            t += 4
        quote = f"{who} said the events in {inc.place.label} on {inc.day:%d %B} {'were' if stance != 'denies' else 'were not'} as described."
        lines.append(f"    shg:quote [ a oa:TextQuoteSelector ; oa:exact \"{_esc(quote)}\" ] ;\n.\n\n")
        self.quoted += [quote, "unfounded"] if stance == "denies" else [quote]
        t += 3
        self.stats.claims += 1
        return "".join(lines), t

    def _claims_for(self, inc: OpenIncident, src: str, start: int, publisher: str,
                    anon: str | None) -> tuple[list[str], int, int]:
        """The claims one document makes about one incident: (blocks, triples, claims written)."""
        blocks: list[str] = []
        triples = 0
        k = start
        speakers = [("reports", publisher)]
        r = self.rng.random()
        if r < 0.5:
            accuser = self.rng.choice([f"actor:{w[0]}" for w in WATCHERS] + ([anon] if anon else []))
            speakers.append(("alleges", accuser))
        if self.rng.random() < 0.3:
            force = next((f"actor:{f[0]}" for f in FORCES if f[4] == inc.place.country), "actor:malian-armed-forces")
            if self.rng.random() < 0.3:
                person = self.rng.choice(self.people)
                force = f"actor:{person[0]}"
            speakers.append((self.rng.choice(["denies", "disputes", "confirms"]), force))
        mine: list[str] = []
        for stance, speaker in speakers:
            responds: list[str] = []
            if stance in ("denies", "disputes", "confirms"):
                earlier = inc.claims[-1:] if self.rng.random() < 0.4 else []
                responds = earlier or mine[-1:] or inc.claims[-1:]
                if not responds:
                    stance = "reports"
                elif responds[0] in inc.claims:
                    self.stats.cross_document_responses += 1
                self.stats.responses += bool(responds)
            block, t = self._claim(inc, src, k, speaker=speaker, stance=stance, responds=responds, publisher=publisher)
            if stance in ("alleges", "reports"):
                mine.append(f"{src}-{k}")
            blocks.append(block)
            triples += t
            k += 1
        inc.claims.extend(mine)
        return blocks, triples, k - start

    # ------------------------------------------------------------ source documents

    def _source(self, events: Writer, actors: Writer) -> None:
        rng = self.rng
        kind = _weighted(rng, [("news", 65), ("roundup", 25), ("report", 10)])
        covers = {"news": rng.choice([1, 1, 1, 2]), "roundup": rng.randint(2, 5), "report": rng.randint(5, 30)}[kind]
        while len(self.window) < max(covers, 40) and self.next_incident < self.n:
            self.window.append(self._open_incident(events))
        picked = rng.sample(list(self.window), min(covers, len(self.window)))
        i = self.stats.sources
        publisher = ("actor:" + rng.choice(self.outlets)) if kind != "report" else "actor:" + rng.choice([w[0] for w in WATCHERS])
        src = f"{kind}-{publisher.removeprefix('actor:').split('-')[0]}-{i}"
        anon = None
        if rng.random() < 0.35:
            anon = f"actor:anonymous-{src}"
            aff = rng.choice(["malian-armed-forces", "burkina-armed-forces", "niger-armed-forces", "azawad-liberation-front", None])
            extra = f"    schema:affiliation actor:{aff} ;\n" if aff else "    shg:actorCategory acat:residents ;\n"
            extra += _source_kind("rebel-group" if aff == "azawad-liberation-front" else "state-forces" if aff else "residents")
            self._actor(actors, anon.removeprefix("actor:"), "AnonymousSource",
                        f"{'a security source' if aff else 'local residents'} ({src}, unnamed)", extra, 3)
        w = Writer(self.data / "sources" / f"{src}.ttl", self.stats)
        k = 0
        for inc in picked:
            blocks, t, made = self._claims_for(inc, src, k, publisher, anon)
            k += made
            w.block("".join(blocks), t)
            inc.coverage_left -= 1
            self.stats.sources_per_incident[id(inc)] = self.stats.sources_per_incident.get(id(inc), 0) + 1
        latest = max(inc.day for inc in picked) + timedelta(days=rng.randint(0, 20))
        dated = rng.random() < 0.8
        date_lines = (f"    dcterms:issued \"{latest.isoformat()}\"^^xsd:date ;\n    shg:timePrecision tprec:day ;\n" if dated else
                      f"    shg:earliestPublication \"{max(inc.day for inc in picked).isoformat()}\"^^xsd:date ;\n"
                      f"    shg:latestPublication \"{(latest + timedelta(days=365)).isoformat()}\"^^xsd:date ;\n"
                      "    shg:timePrecision tprec:unknown ;\n")
        title = f"{'Report' if kind == 'report' else 'News'}: {picked[0].label}"
        w.block(f"source:{src}\n    a schema:NewsArticle , shg:SourceDocument ;\n"
                f"    dcterms:title \"{_esc(title)}\"@en ;\n    dcterms:publisher {publisher} ;\n    dcterms:language \"en\" ;\n"
                f"    shg:captureFile \"{src}.txt\" ;\n{date_lines}.\n\n", 8 + (0 if dated else 1))
        w.close()
        self._write_capture(src, title)
        self.stats.sources += 1
        for inc in picked:
            if inc.coverage_left <= 0:
                self.window.remove(inc)
                self.stats.sources_per_incident.pop(id(inc), None)

    def _write_capture(self, src: str, title: str) -> None:
        """The document's captured text: its title, then each passage its claims quote."""
        text = title + "\n\n" + "\n\n".join(self.quoted) + "\n"
        (self.out / CAPTURES / f"{src}.txt").write_text(text, encoding="utf-8")
        self.quoted = []

    def run(self) -> Stats:
        start = time.perf_counter()
        (self.data / "sources").mkdir(parents=True, exist_ok=True)
        (self.out / CAPTURES).mkdir(parents=True, exist_ok=True)
        (self.out / ".env").write_text(f"SAHEL_KG_SOURCES={CAPTURES}\n", encoding="utf-8")
        self.write_places()
        actors = Writer(self.data / "actors.ttl", self.stats)
        self.write_fixed_actors(actors)
        events = Writer(self.data / "events.ttl", self.stats)
        while self.next_incident < self.n or self.window:
            self._source(events, actors)
        actors.close()
        events.close()
        self.stats.sources_per_incident = {}
        self.stats.seconds = time.perf_counter() - start
        return self.stats


def copy_schema(out: Path, root: Path) -> None:
    """Copy the checkout's ontology/ and shapes/ into the corpus root (a few hundred kB).

    Copies, not symlinks: the build names graphs and hashes inputs by paths
    resolved under the root.
    """
    for folder in ("ontology", "shapes"):
        target = out / folder
        if target.is_symlink():
            target.unlink()
        elif target.exists():
            shutil.rmtree(target)
        shutil.copytree(root / folder, target)


def generate(out: Path, *, incidents: int, seed: int = 0, root: Path | None = None) -> Stats:
    """Write a corpus of ``incidents`` incidents under ``out`` (replacing its data/ttl/)."""
    for folder in (out / "data" / "ttl", out / CAPTURES):
        if folder.exists():
            shutil.rmtree(folder)
    out.mkdir(parents=True, exist_ok=True)
    copy_schema(out, root or project_root())
    return Generator(out, incidents=incidents, seed=seed).run()


def run_synth(args: argparse.Namespace) -> int:
    """Entry point of ``sahel-kg synth``."""
    stats = generate(args.out, incidents=args.incidents, seed=args.seed, root=args.root)
    print(stats.summary())
    print(f"corpus written to {args.out}; try: sahel-kg --root {args.out} build", file=sys.stderr)
    return 0
