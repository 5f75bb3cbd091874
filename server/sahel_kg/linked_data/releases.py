"""Releases: what ``sahel-kg release VERSION`` wrote, read back, and described in DCAT and PROV.

A release is a folder ``<releases dir>/VERSION/`` holding :data:`RELEASE_FILE`
(what :class:`Release` reads), its dumps, the digest of every entity
(:data:`ENTITIES_FILE`, for the next release's changelog) and
:data:`CHANGELOG_FILE`, the Turtle of :func:`release_triples`. Its IRI is
``https://w3id.org/sahel-harm/releases/VERSION``, served at ``/releases/VERSION``;
the list of releases, ``…/releases``, is a ``dcat:Catalog``.

Versions follow Semantic Versioning 2.0.0 (https://semver.org/), ordered by its
precedence rules:

>>> is_version("1.2.0"), is_version("1.2"), is_version("01.2.0"), is_version("1.0.0-rc.1+build.5")
(True, False, False, True)
>>> sorted(["1.0.0", "1.0.0-rc.1", "0.9.10", "0.9.2", "1.0.0-alpha"], key=version_key)
['0.9.2', '0.9.10', '1.0.0-alpha', '1.0.0-rc.1', '1.0.0']
>>> release_iri("0.2.0")
'https://w3id.org/sahel-harm/releases/0.2.0'
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph

from sahel_kg.dataset import DATASET_TITLE, DATASET_VERSION
from sahel_kg.namespaces import BASE, PREFIXES

RELEASES = BASE + "releases"
#: The dataset as VoID describes it (``/.well-known/void``); each release is a version of it.
DATASET = BASE + ".well-known/void#dataset"
#: Who publishes the dataset and its releases (a foaf:Agent described in VoID from the settings).
PUBLISHER = BASE + ".well-known/void#publisher"
RELEASE_FILE = "release.json"
ENTITIES_FILE = "entities.tsv.gz"
CHANGELOG_FILE = "changelog.ttl"

DCAT = "http://www.w3.org/ns/dcat#"
PROV = PREFIXES["prov"]
DCT = PREFIXES["dcterms"]
OWL = PREFIXES["owl"]
XSD = PREFIXES["xsd"]
RDF_TYPE = PREFIXES["rdf"] + "type"
RDFS_LABEL = PREFIXES["rdfs"] + "label"
#: The change set vocabulary (http://vocab.org/changeset/schema.html): one cs:ChangeSet per changed entity.
CS = "http://purl.org/vocab/changeset/schema#"
IANA = "https://www.iana.org/assignments/media-types/"
#: Prefixes a release's Turtle is written with, beyond the project's.
RELEASE_PREFIXES = {"dcat": DCAT, "cs": CS}
#: The kinds of change a changelog lists, in the order shown.
CHANGE_KINDS = ("added", "changed", "retracted")

# SemVer 2.0.0's own regular expression (https://semver.org/#is-there-a-suggested-regular-expression-regex-to-check-a-semver-string)
_SEMVER = re.compile(
    r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)"
    r"(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?"
    r"(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$")


def is_version(text: str) -> bool:
    """True for a Semantic Versioning 2.0.0 version (``MAJOR.MINOR.PATCH``, optional ``-pre`` and ``+build``)."""
    return _SEMVER.match(text) is not None


def version_key(text: str) -> tuple[Any, ...]:
    """A sort key following SemVer precedence: numbers compared as numbers, a pre-release before its
    release, numeric identifiers before alphanumeric ones; build metadata ignored. ValueError if not a version."""
    match = _SEMVER.match(text)
    if match is None:
        raise ValueError(f"not a version: {text!r}")
    major, minor, patch, pre = int(match[1]), int(match[2]), int(match[3]), match[4]
    if pre is None:
        return (major, minor, patch, 1, ())
    parts = tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in pre.split("."))
    return (major, minor, patch, 0, parts)


def release_iri(version: str) -> str:
    """The IRI of a release (served at ``/releases/VERSION``)."""
    return f"{RELEASES}/{version}"


@dataclass(frozen=True)
class ReleaseDump:
    """One dump file of a release: its name, the media type of its uncompressed content, size, quads."""

    name: str
    media_type: str
    size: int
    quads: int


@dataclass(frozen=True)
class Release:
    """A release as its :data:`RELEASE_FILE` records it.

    ``issued``: ISO 8601 date-time (UTC); ``store``: the store directory it was made from
    (``store-<inputs hash>-<n>``), ``inputs_hash`` the 16 hex digits of that hash; ``previous``:
    the version the changelog compares with (None for the first); ``added``/``changed``/``retracted``:
    entity IRIs, sorted.
    """

    version: str
    issued: str
    store: str
    inputs_hash: str
    previous: str | None
    dumps: list[ReleaseDump]
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    retracted: list[str] = field(default_factory=list)
    entities: int = 0
    folder: Path | None = None

    @property
    def iri(self) -> str:
        """The release's IRI."""
        return release_iri(self.version)

    def changes(self, kind: str) -> list[str]:
        """The entity IRIs of one kind of change (one of :data:`CHANGE_KINDS`)."""
        found: list[str] = getattr(self, kind)
        return found

    def to_json(self) -> str:
        """What :data:`RELEASE_FILE` holds (every field but the folder)."""
        data = {k: v for k, v in self.__dict__.items() if k != "folder"}
        data["dumps"] = [d.__dict__ for d in self.dumps]
        return json.dumps(data, indent=1, ensure_ascii=False) + "\n"


def read_release(folder: Path) -> Release | None:
    """The release in ``folder``, or None when it holds no readable :data:`RELEASE_FILE`."""
    try:
        data = json.loads((folder / RELEASE_FILE).read_text(encoding="utf-8"))
        data["dumps"] = [ReleaseDump(**d) for d in data["dumps"]]
        release = Release(**data, folder=folder)
    except (OSError, ValueError, TypeError, KeyError):
        return None
    return release if is_version(release.version) and release.version == folder.name else None


def list_releases(releases_dir: Path) -> list[Release]:
    """Every complete release in the folder, oldest version first (a missing folder: none)."""
    if not releases_dir.is_dir():
        return []
    found = [r for d in releases_dir.iterdir() if d.is_dir() and is_version(d.name)
             if (r := read_release(d)) is not None]
    return sorted(found, key=lambda r: version_key(r.version))


@dataclass(frozen=True)
class Edition:
    """What the served data is, for citing it: the release it is (None if it is no release's build),
    the latest release, and the store's inputs hash (None for a store not built from files)."""

    release: Release | None
    latest: Release | None
    inputs_hash: str | None


def edition_version(edition: Edition) -> str:
    """The version of the served data: its release's; else the checkout's ``DATASET_VERSION`` with the
    build's inputs hash as SemVer build metadata (``0.2.0+build.bc6424562975fbf0``): not a release.

    >>> edition_version(Edition(None, None, "bc6424562975fbf0")) == DATASET_VERSION + "+build.bc6424562975fbf0"
    True
    """
    if edition.release is not None:
        return edition.release.version
    return f"{DATASET_VERSION}+build.{edition.inputs_hash}" if edition.inputs_hash else DATASET_VERSION


def edition_of(releases: list[Release], inputs_hash: str | None) -> Edition:
    """The newest release made from a store with this inputs hash, and the latest release."""
    same = [r for r in releases if inputs_hash is not None and r.inputs_hash == inputs_hash]
    return Edition(same[-1] if same else None, releases[-1] if releases else None, inputs_hash)


# ------------------------------------------------------------------ RDF

def _iri(value: str) -> pyoxigraph.NamedNode:
    return pyoxigraph.NamedNode(value)


def _t(s: str, p: str, o: pyoxigraph.NamedNode | pyoxigraph.Literal) -> pyoxigraph.Triple:
    return pyoxigraph.Triple(_iri(s), _iri(p), o)


def _typed(value: object, datatype: str) -> pyoxigraph.Literal:
    return pyoxigraph.Literal(str(value), datatype=_iri(XSD + datatype))


def change_iri(release: Release, kind: str, entity: str) -> str:
    """The IRI of one change record: the release's, a fragment from the kind and a hash of the entity.

    >>> r = Release("0.2.0", "2026-01-01T00:00:00+00:00", "store-0-1", "0", None, [])
    >>> change_iri(r, "added", "https://w3id.org/sahel-harm/id/place/gao")
    'https://w3id.org/sahel-harm/releases/0.2.0#added-0875106517e4'
    """
    return f"{release.iri}#{kind}-{hashlib.sha256(entity.encode()).hexdigest()[:12]}"


def dump_iri(release: Release, dump: ReleaseDump) -> str:
    """The IRI of a release's dump file (served at ``/releases/VERSION/NAME``)."""
    return f"{release.iri}/{dump.name}"


def release_triples(release: Release, *, license_iri: str) -> list[pyoxigraph.Triple]:
    """The release as a ``dcat:Dataset`` and ``prov:Entity``: version, date, dumps, ``prov:wasRevisionOf``
    its previous release, and one ``cs:ChangeSet`` per entity added, changed or retracted since then."""
    iri, en = release.iri, "en"
    issued = _typed(release.issued, "dateTime")
    out = [
        _t(iri, RDF_TYPE, _iri(DCAT + "Dataset")),
        _t(iri, RDF_TYPE, _iri(PROV + "Entity")),
        _t(iri, DCT + "title", pyoxigraph.Literal(f"{DATASET_TITLE} {release.version}", language=en)),
        _t(iri, RDFS_LABEL, pyoxigraph.Literal(f"{DATASET_TITLE} {release.version}", language=en)),
        _t(iri, OWL + "versionInfo", pyoxigraph.Literal(release.version)),
        _t(iri, DCAT + "version", pyoxigraph.Literal(release.version)),
        _t(iri, DCT + "issued", issued),
        _t(iri, PROV + "generatedAtTime", issued),
        _t(iri, DCT + "license", _iri(license_iri)),
        _t(iri, DCAT + "isVersionOf", _iri(DATASET)),
        _t(iri, DCT + "publisher", _iri(PUBLISHER)),
    ]
    if release.previous:
        out += [_t(iri, PROV + "wasRevisionOf", _iri(release_iri(release.previous))),
                _t(iri, DCAT + "previousVersion", _iri(release_iri(release.previous)))]
    for dump in release.dumps:
        url = dump_iri(release, dump)
        out += [_t(iri, DCAT + "distribution", _iri(url)),
                _t(url, RDF_TYPE, _iri(DCAT + "Distribution")),
                _t(url, DCAT + "downloadURL", _iri(url)),
                _t(url, DCAT + "mediaType", _iri(IANA + dump.media_type)),
                _t(url, DCAT + "compressFormat", _iri(IANA + "application/gzip")),
                _t(url, DCAT + "byteSize", _typed(dump.size, "integer"))]
    for kind in CHANGE_KINDS:
        for entity in release.changes(kind):
            change = change_iri(release, kind, entity)
            out += [_t(change, RDF_TYPE, _iri(CS + "ChangeSet")),
                    _t(change, CS + "subjectOfChange", _iri(entity)),
                    _t(change, CS + "changeReason", pyoxigraph.Literal(kind, language=en)),
                    _t(change, CS + "createdDate", issued),
                    _t(change, DCT + "isPartOf", _iri(iri))]
    return out


def catalog_triples(releases: list[Release], *, license_iri: str) -> list[pyoxigraph.Triple]:
    """The list of releases as a ``dcat:Catalog``, each release with its version, date and revision link."""
    en = "en"
    out = [_t(RELEASES, RDF_TYPE, _iri(DCAT + "Catalog")),
           _t(RELEASES, DCT + "title", pyoxigraph.Literal(f"Releases of the {DATASET_TITLE}", language=en)),
           _t(RELEASES, RDFS_LABEL, pyoxigraph.Literal(f"Releases of the {DATASET_TITLE}", language=en)),
           _t(RELEASES, DCT + "license", _iri(license_iri))]
    for release in releases:
        out += [_t(RELEASES, DCAT + "dataset", _iri(release.iri)),
                _t(release.iri, RDF_TYPE, _iri(DCAT + "Dataset")),
                _t(release.iri, RDFS_LABEL, pyoxigraph.Literal(f"{DATASET_TITLE} {release.version}", language=en)),
                _t(release.iri, DCAT + "version", pyoxigraph.Literal(release.version)),
                _t(release.iri, DCT + "issued", _typed(release.issued, "dateTime"))]
        if release.previous:
            out.append(_t(release.iri, PROV + "wasRevisionOf", _iri(release_iri(release.previous))))
    return out
