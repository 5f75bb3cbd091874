""""How to cite" on every entity page: a citation of the entity in the dataset, and a versioned one.

The plain citation names the entity, the dataset, the version of the data
served and the date of access; the versioned one names the release (its
version and IRI) when the served data is one, so that the citation points at
data that never changes (:mod:`sahel_kg.linked_data.releases`).

>>> from sahel_kg.linked_data.releases import Edition, Release
>>> r = Release("0.2.0", "2026-11-29T10:00:00+00:00", "store-ab-1", "ab", "0.1.0", [])
>>> c = citation_view(Links("http://h/"), "https://w3id.org/sahel-harm/id/place/gao", "Gao",
...                   Edition(r, r, "ab"), date(2026, 12, 1))
>>> print(c.text)
“Gao”. Sahel Harm Graph, version 0.2.0. https://w3id.org/sahel-harm/id/place/gao (accessed 1 December 2026).
>>> print(c.versioned)
“Gao”. Sahel Harm Graph, release 0.2.0, https://w3id.org/sahel-harm/releases/0.2.0. https://w3id.org/sahel-harm/id/place/gao (accessed 1 December 2026).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sahel_kg.dataset import DATASET_TITLE
from sahel_kg.linked_data.releases import Edition, edition_version
from sahel_kg.links import Links
from sahel_kg.pages.i18n import _
from sahel_kg.pages.views import Link, human_date


@dataclass(frozen=True)
class Citation:
    """What the "How to cite" section shows.

    ``text``: the citation of the data as served; ``versioned``: the same naming the release, or None
    when the served data is no release's (``latest`` then links to the newest release, if any).
    """

    iri: str
    version: str
    accessed: str
    text: str
    versioned: str | None
    release: Link | None
    latest: Link | None
    releases: str


def citation_view(links: Links, iri: str, label: str, edition: Edition, today: date) -> Citation:
    """The citations of the entity ``iri`` (called ``label``) as served on ``today``."""
    version, accessed = edition_version(edition), human_date(today.isoformat())
    names = {"label": label, "dataset": DATASET_TITLE, "iri": iri, "accessed": accessed}
    text = _("“%(label)s”. %(dataset)s, version %(version)s. %(iri)s (accessed %(accessed)s).") % {
        **names, "version": version}
    release = edition.release
    versioned = (_("“%(label)s”. %(dataset)s, release %(version)s, %(release)s. %(iri)s (accessed %(accessed)s).") % {
        **names, "version": release.version, "release": release.iri} if release else None)
    latest = edition.latest
    return Citation(
        iri, version, accessed, text, versioned,
        Link(release.version, links.local_url(release.iri), release.iri) if release else None,
        Link(latest.version, links.local_url(latest.iri), latest.iri) if latest and latest is not release else None,
        links.releases(),
    )
