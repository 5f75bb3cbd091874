"""The releases pages: the list of releases, and one release's changelog (views for their templates).

Fed :class:`~sahel_kg.linked_data.releases.Release` records, they give plain
view objects; entities added or changed are shown by their label in the served
data (else in short form, ``incident:amassine-killings``) and linked to this
server; retracted ones, no longer served, by their short form alone.

>>> short_date("2026-11-29T21:23:38+00:00")
'29 November 2026'
"""

from __future__ import annotations

from dataclasses import dataclass

from babel.numbers import format_decimal

from sahel_kg.dataset import DATASET_TITLE
from sahel_kg.languages import current
from sahel_kg.linked_data.releases import CHANGE_KINDS, Release
from sahel_kg.links import Links
from sahel_kg.namespaces import compact
from sahel_kg.pages.i18n import N_, _
from sahel_kg.pages.resources import labels_of
from sahel_kg.pages.views import RDF_FORMATS, Alternate, Link, Meta, human_date
from sahel_kg.store.backend import GraphBackend

#: Entities one changelog section lists on the page (the Turtle and JSON hold them all).
CHANGES_SHOWN = 1000
#: What each kind of change is called on the page.
KIND_TITLES = {"added": N_("Added"), "changed": N_("Changed"), "retracted": N_("Retracted")}
KIND_INTROS = {"added": N_("Entities that are new in this release."),
               "changed": N_("Entities whose statements differ from the previous release's."),
               "retracted": N_("Entities the previous release had and this one no longer has.")}


def short_date(iso: str) -> str:
    """The date of an ISO date-time, in words."""
    return human_date(iso[:10])


@dataclass(frozen=True)
class DumpLink:
    """One dump of a release: link, format, size."""

    link: Link
    format: str
    size: str


@dataclass(frozen=True)
class ReleaseRow:
    """One release in the list."""

    version: Link
    iri: str
    issued: str
    previous: Link | None
    counts: dict[str, int]
    dumps: list[DumpLink]
    current: bool


@dataclass(frozen=True)
class ChangeSection:
    """One kind of change: its entities (links, or plain short IRIs for retracted ones)."""

    kind: str
    title: str
    intro: str
    count: int
    entities: list[Link]


@dataclass(frozen=True)
class ReleaseView:
    """One release's page: what it is, its dumps and its changelog."""

    row: ReleaseRow
    entities: int
    sections: list[ChangeSection]
    shown: int


DUMP_FORMATS = {"application/n-quads": N_("N-Quads, gzipped"), "application/trig": N_("TriG, gzipped")}


def kibibytes(size: int) -> str:
    """A file size in KiB, with the reader's digit grouping (``1,234 KiB``; in French ``1 234 Kio``)."""
    return _("%(size)s KiB") % {"size": format_decimal(round(size / 1024), locale=current())}


def _meta(links: Links, path: str, iri: str, title: str, kind: str) -> Meta:
    url = links.page(path)
    return Meta(title, kind, url, iri, [Alternate(t, url + suffix, label) for t, suffix, label in RDF_FORMATS])


def release_row(links: Links, release: Release, current: Release | None) -> ReleaseRow:
    """A release as one row of the list."""
    path = links.releases(release.version)
    previous = Link(release.previous, links.releases(release.previous)) if release.previous else None
    dumps = [DumpLink(Link(d.name, links.releases(release.version, d.name)), _(DUMP_FORMATS.get(d.media_type, d.media_type)),
                      kibibytes(d.size)) for d in release.dumps]
    return ReleaseRow(Link(release.version, path), release.iri, short_date(release.issued), previous,
                      {k: len(release.changes(k)) for k in CHANGE_KINDS}, dumps,
                      current is not None and current.version == release.version)


def releases_context(links: Links, iri: str, releases: list[Release], current: Release | None) -> dict[str, object]:
    """What ``releases.html`` is rendered with: the newest release first."""
    meta = _meta(links, links.releases(), iri, _("Releases"), _("Releases"))
    rows = [release_row(links, r, current) for r in reversed(releases)]
    return {"meta": meta, "rows": rows, "title": DATASET_TITLE}


def release_context(links: Links, release: Release, current: Release | None,
                    labels: dict[str, str] | None = None) -> dict[str, object]:
    """What ``release.html`` is rendered with (``labels``: of the entities that are still there, by IRI)."""
    named = labels or {}
    title = f"{DATASET_TITLE} {release.version}"
    meta = _meta(links, links.releases(release.version), release.iri, title, _("Release"))
    sections = []
    for kind in CHANGE_KINDS:
        iris = release.changes(kind)
        shown = [Link(named.get(i) or compact(i), links.local_url(i), compact(i)) if kind != "retracted"
                 else Link(compact(i), "", i) for i in iris[:CHANGES_SHOWN]]
        sections.append(ChangeSection(kind, _(KIND_TITLES[kind]), _(KIND_INTROS[kind]), len(iris), shown))
    view = ReleaseView(release_row(links, release, current), release.entities, sections, CHANGES_SHOWN)
    return {"meta": meta, "page": view}


def releases_page(links: Links, iri: str, releases: list[Release], current: Release | None) -> str:
    """The HTML list of releases (``current``: the release the served data is, if any)."""
    from sahel_kg.pages.render import render

    return render("releases.html", **releases_context(links, iri, releases, current))


def release_page(backend: GraphBackend, links: Links, release: Release, current: Release | None) -> str:
    """The HTML page of one release and its changelog, entities named by their labels in the served data."""
    from sahel_kg.pages.render import render

    present = [i for kind in ("added", "changed") for i in release.changes(kind)[:CHANGES_SHOWN]]
    labels = {iri: label[0] for iri, label in labels_of(backend, present).items()}
    return render("release.html", **release_context(links, release, current, labels))
