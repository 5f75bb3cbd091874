"""``sahel-kg export nanopub``: every claim as a nanopublication, all of them in one TriG file.

Each claim ``claim:X`` becomes the nanopublication
``https://w3id.org/sahel-harm/np/claim/X`` with four named graphs, as the
nanopublication guidelines ask (http://nanopub.org/guidelines/working_draft/):

- ``…#Head``: ``a np:Nanopublication`` and its three graphs below;
- ``…#assertion``: the claim's own statements, its counts (low/best/high,
  qualifier, count type) and quote followed: its Concise Bounded Description,
  blank nodes given IRIs under the nanopublication (``…#_1``), since
  nanopublications avoid blank nodes;
- ``…#provenance``: the assertion ``prov:wasAttributedTo`` the claim's speaker
  and ``prov:wasDerivedFrom`` its source document;
- ``…#pubinfo``: the nanopublication's creation time (``dcterms:created``,
  ``prov:generatedAtTime``), our dataset (``dcterms:isPartOf``), its licence
  and the claim it renders (``dcterms:source``).

They are not signed (no trusty URI); ``nanopub``'s own ``Nanopub.is_valid``
accepts each (``tests/curation/test_nanopub.py``).

>>> nanopub_iri("https://w3id.org/sahel-harm/id/claim/wa24-amassine-follows-pattern")
'https://w3id.org/sahel-harm/np/claim/wa24-amassine-follows-pattern'
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import IO

import pyoxigraph

from sahel_kg.linked_data.releases import DATASET
from sahel_kg.namespaces import BASE, ENTITY_BASE, PREFIXES
from sahel_kg.rdf.oxigraph_types import output
from sahel_kg.store.backend import GraphBackend

NP = "http://www.nanopub.org/nschema#"
NP_BASE = BASE + "np/"
PROV, DCT, XSD, RDF_TYPE = PREFIXES["prov"], PREFIXES["dcterms"], PREFIXES["xsd"], PREFIXES["rdf"] + "type"
#: Prefixes the TriG file is written with.
NANOPUB_PREFIXES = {**PREFIXES, "np": NP, "this": NP_BASE + "claim/"}

CLAIM_STATEMENTS = f"""SELECT DISTINCT ?s ?p ?o WHERE {{
  ?s a <{PREFIXES["shg"]}Claim> ; ?p ?o }}"""
BLANK_STATEMENTS = "SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o FILTER(isBlank(?s)) }"

Node = pyoxigraph.NamedNode | pyoxigraph.BlankNode
Object = pyoxigraph.NamedNode | pyoxigraph.BlankNode | pyoxigraph.Literal


def nanopub_iri(claim: str) -> str:
    """The nanopublication of a claim: its path under ``id/`` moved under ``np/``."""
    return NP_BASE + claim.removeprefix(ENTITY_BASE)


def _statements(backend: GraphBackend, sparql: str) -> dict[Node, list[tuple[pyoxigraph.NamedNode, Object]]]:
    found: dict[Node, list[tuple[pyoxigraph.NamedNode, Object]]] = {}
    for row in backend.select(sparql):
        s, p, o = row["s"], row["p"], row["o"]
        if isinstance(s, pyoxigraph.NamedNode | pyoxigraph.BlankNode) and isinstance(p, pyoxigraph.NamedNode) \
                and isinstance(o, pyoxigraph.NamedNode | pyoxigraph.BlankNode | pyoxigraph.Literal):
            found.setdefault(s, []).append((p, o))
    return found


def _assertion(claim: pyoxigraph.NamedNode, np: str, statements: dict[Node, list[tuple[pyoxigraph.NamedNode, Object]]],
               blanks: dict[Node, list[tuple[pyoxigraph.NamedNode, Object]]]) -> list[pyoxigraph.Triple]:
    """The claim's Concise Bounded Description, each blank node named ``{np}#_{n}``."""
    names: dict[pyoxigraph.BlankNode, pyoxigraph.NamedNode] = {}
    out: list[pyoxigraph.Triple] = []
    todo: list[Node] = [claim]
    while todo:
        subject = todo.pop(0)
        source = statements if isinstance(subject, pyoxigraph.NamedNode) else blanks
        for p, o in source.get(subject, []):
            if isinstance(o, pyoxigraph.BlankNode):
                if o not in names:
                    names[o] = pyoxigraph.NamedNode(f"{np}#_{len(names) + 1}")
                    todo.append(o)
                o = names[o]
            named = names[subject] if isinstance(subject, pyoxigraph.BlankNode) else subject
            out.append(pyoxigraph.Triple(named, p, o))
    return out


def nanopub_quads(claim: pyoxigraph.NamedNode, assertion: list[pyoxigraph.Triple], *, created: str,
                  license_iri: str) -> list[pyoxigraph.Quad]:
    """The four graphs of one claim's nanopublication (``assertion``: its statements, see :func:`_assertion`)."""
    np = nanopub_iri(claim.value)
    head, a, prov, info = (pyoxigraph.NamedNode(f"{np}#{g}") for g in ("Head", "assertion", "provenance", "pubinfo"))
    this = pyoxigraph.NamedNode(np)

    def quad(s: pyoxigraph.NamedNode, p: str, o: Object, g: pyoxigraph.NamedNode) -> pyoxigraph.Quad:
        return pyoxigraph.Quad(s, pyoxigraph.NamedNode(p), o, g)

    when = pyoxigraph.Literal(created, datatype=pyoxigraph.NamedNode(XSD + "dateTime"))
    quads = [quad(this, RDF_TYPE, pyoxigraph.NamedNode(NP + "Nanopublication"), head),
             quad(this, NP + "hasAssertion", a, head),
             quad(this, NP + "hasProvenance", prov, head),
             quad(this, NP + "hasPublicationInfo", info, head)]
    quads += [pyoxigraph.Quad(t.subject, t.predicate, t.object, a) for t in assertion]
    for t in assertion:
        if t.subject == claim and t.predicate.value in (PROV + "wasAttributedTo", PROV + "wasDerivedFrom") \
                and isinstance(t.object, pyoxigraph.NamedNode):
            quads.append(quad(a, t.predicate.value, t.object, prov))
    if not any(q.graph_name == prov for q in quads):  # the guidelines want a provenance: say where it is from
        quads.append(quad(a, PROV + "wasDerivedFrom", claim, prov))
    quads += [quad(this, DCT + "created", when, info),
              quad(this, PROV + "generatedAtTime", when, info),
              quad(this, DCT + "isPartOf", pyoxigraph.NamedNode(DATASET), info),
              quad(this, DCT + "license", pyoxigraph.NamedNode(license_iri), info),
              quad(this, DCT + "source", claim, info)]
    return quads


def _all_quads(backend: GraphBackend, created: str, license_iri: str, counted: list[int]) -> Iterator[pyoxigraph.Quad]:
    statements = _statements(backend, CLAIM_STATEMENTS)
    blanks = _statements(backend, BLANK_STATEMENTS)
    for claim in sorted((s for s in statements if isinstance(s, pyoxigraph.NamedNode)), key=lambda n: n.value):
        assertion = _assertion(claim, nanopub_iri(claim.value), statements, blanks)
        counted[0] += 1
        yield from nanopub_quads(claim, assertion, created=created, license_iri=license_iri)


def write_nanopubs(backend: GraphBackend, out: IO[bytes], *, license_iri: str = "https://creativecommons.org/licenses/by/4.0/",
                   created: str | None = None) -> int:
    """Every claim the backend holds, as a nanopublication, to ``out`` as TriG: returns how many.

    ``created``: the creation time written in each pubinfo (ISO 8601; default: now, UTC).
    """
    when = created or datetime.now(UTC).isoformat(timespec="seconds")
    counted = [0]
    pyoxigraph.serialize(_all_quads(backend, when, license_iri, counted), output(out),
                         format=pyoxigraph.RdfFormat.TRIG, prefixes=NANOPUB_PREFIXES)
    return counted[0]


def run_export_nanopub(args: argparse.Namespace) -> int:
    """Entry point of ``sahel-kg export nanopub [--out FILE]``: the claims of the current build.

    Exit status 0, or 1 when there is no build yet (run ``sahel-kg build``).
    """
    from sahel_kg.settings import settings_of
    from sahel_kg.store.backend import EmbeddedBackend
    from sahel_kg.store.ondisk import current_store_dir

    settings = settings_of(args)
    store_dir = current_store_dir(settings.store_path)
    if store_dir is None:
        print(f"sahel-kg export: no store at {settings.store_path}; run `sahel-kg build` first", file=sys.stderr)
        return 1
    backend = EmbeddedBackend(pyoxigraph.Store.read_only(str(store_dir)))
    target: Path | None = args.out
    if target is None:
        count = write_nanopubs(backend, sys.stdout.buffer, license_iri=settings.license)
    else:
        target.parent.mkdir(parents=True, exist_ok=True)
        with open(target, "wb") as out:
            count = write_nanopubs(backend, out, license_iri=settings.license)
    print(f"{count} claims written as nanopublications" + (f" to {target}" if target else ""), file=sys.stderr)
    return 0
