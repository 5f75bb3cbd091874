"""Scaffold the Turtle file for a new source document.

``sahel-kg new-source SLUG --title TITLE`` writes ``data/ttl/sources/SLUG.ttl``
holding the source document in canonical form, followed by a commented
example claim to copy. Running ``sahel-kg fmt`` on the file later drops that
comment, as formatting drops all comments.

Every document has a publisher: until the curator names the outlet, it is an
unidentified publisher of its own, added to ``data/ttl/actors.ttl``.

>>> print(source_skeleton("ap-example", title="An example", capture_file="ap-example.txt"))
PREFIX actor: <https://w3id.org/sahel-harm/id/actor/>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX shg: <https://w3id.org/sahel-harm/ontology/>
PREFIX source: <https://w3id.org/sahel-harm/id/source/>
PREFIX tprec: <https://w3id.org/sahel-harm/vocab/time-precision/>
<BLANKLINE>
source:ap-example
    a shg:SourceDocument ;
    dcterms:publisher actor:unidentified-publisher-ap-example ;
    dcterms:title "An example" ;
    shg:captureFile "ap-example.txt" ;
    shg:timePrecision tprec:unknown ;
.
<BLANKLINE>
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

from rdflib import RDF, RDFS, Graph, Literal, URIRef

from .layout import project_root
from .namespaces import PREFIXES, SHG
from .turtle_format import format_graph, format_turtle

SLUG_RE = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")

EXAMPLE_CLAIM = """\
# Example claim: copy it without the leading "# ", one claim per
# (speaker, proposition), then run `sahel-kg fmt {path}` (which drops
# these comments) and `sahel-kg validate`.
#
{prefixes}
#
# claim:{slug}-example
#     a shg:Claim ;
#     rdfs:label "Who says what about which incident"@en ;
#     shg:about incident:some-incident ;
#     prov:wasAttributedTo actor:some-speaker ;
#     prov:wasDerivedFrom source:{slug} ;
#     shg:stance stance:alleges ;
#     shg:victimStatus vstatus:civilians ;
#     shg:count [
#         a shg:Count ;
#         shg:countType ctype:killed ;
#         shg:countQualifier cqual:at-least ;
#         shg:low 60 ;
#     ] ;
#     shg:quote [
#         a oa:TextQuoteSelector ;
#         oa:exact "the passage, copied verbatim from the document" ;
#     ] ;
# .
"""

#: Prefixes the example claim uses; those the skeleton lacks are listed in the comment.
EXAMPLE_PREFIXES = ("claim", "incident", "actor", "source", "stance", "vstatus", "ctype", "cqual",
                    "shg", "prov", "oa", "rdfs", "xsd")


def is_valid_slug(slug: str) -> bool:
    """True for a permanent slug: lowercase ASCII letters and digits in hyphen-separated words.

    >>> [is_valid_slug(s) for s in ["ap-abeibara-2023", "AP", "a--b", "-a", "é", "a_b"]]
    [True, False, False, False, False, False]
    """
    return SLUG_RE.fullmatch(slug) is not None


def source_iri(slug: str) -> URIRef:
    """The permanent IRI of a source document.

    >>> str(source_iri("ap-x"))
    'https://w3id.org/sahel-harm/id/source/ap-x'
    """
    return URIRef(PREFIXES["source"] + slug)


def unidentified_publisher(slug: str) -> URIRef:
    """The actor that stands for a document's outlet until a curator identifies it.

    >>> str(unidentified_publisher("ap-x"))
    'https://w3id.org/sahel-harm/id/actor/unidentified-publisher-ap-x'
    """
    return URIRef(PREFIXES["actor"] + "unidentified-publisher-" + slug)


def publisher_graph(slug: str, *, title: str) -> Graph:
    """The description of a new document's unidentified publisher (a news outlet of unknown reach)."""
    graph = Graph()
    actor = unidentified_publisher(slug)
    graph.add((actor, RDF.type, SHG.Organisation))
    graph.add((actor, RDFS.label, Literal(f"unidentified publisher of “{title}”", lang="en")))
    graph.add((actor, RDFS.comment, Literal(
        f"The outlet of source {slug} as long as it is not identified; replace it on the document with the "
        "outlet the capture names, and remove it, or keep it when the capture names none.", lang="en")))
    graph.add((actor, SHG.actorCategory, URIRef(PREFIXES["acat"] + "news-media")))
    graph.add((actor, SHG.sourceType, URIRef(PREFIXES["stype"] + "media")))
    graph.add((actor, SHG.sourceScale, URIRef(PREFIXES["sscale"] + "unknown")))
    return graph


def add_publisher(root: Path, slug: str, *, title: str) -> None:
    """Describe the document's unidentified publisher in data/ttl/actors.ttl (kept in canonical form)."""
    path = root / "data" / "ttl" / "actors.ttl"
    graph = Graph().parse(path, format="turtle") if path.exists() else Graph()
    if (unidentified_publisher(slug), RDF.type, None) not in graph:
        graph += publisher_graph(slug, title=title)
        path.write_text(format_turtle(graph.serialize(format="turtle")), encoding="utf-8")


def source_skeleton(slug: str, *, title: str, capture_file: str) -> str:
    """The canonical Turtle of a new source document with what a curator must fill in."""
    graph = Graph()
    doc = source_iri(slug)
    graph.add((doc, RDF.type, SHG.SourceDocument))
    graph.add((doc, URIRef(PREFIXES["dcterms"] + "publisher"), unidentified_publisher(slug)))
    graph.add((doc, URIRef(PREFIXES["dcterms"] + "title"), Literal(title)))
    graph.add((doc, SHG.captureFile, Literal(capture_file)))
    graph.add((doc, SHG.timePrecision, URIRef(PREFIXES["tprec"] + "unknown")))
    return format_graph(graph)


def source_file_text(slug: str, *, title: str, capture_file: str, path: str) -> str:
    """The whole scaffolded file: the skeleton, then the commented example claim."""
    skeleton = source_skeleton(slug, title=title, capture_file=capture_file)
    missing = [p for p in EXAMPLE_PREFIXES if f"PREFIX {p}:" not in skeleton]
    prefixes = "\n".join(f"# PREFIX {p}: <{PREFIXES[p]}>" for p in missing)
    return skeleton + "\n" + EXAMPLE_CLAIM.format(slug=slug, path=path, prefixes=prefixes)


def next_steps(path: str, slug: str) -> str:
    """What to do after scaffolding, printed by the command."""
    return (
        f"wrote {path}\n"
        "Next steps:\n"
        f"  1. fill in source:{slug}: the title's language tag, dcterms:publisher (the outlet the capture\n"
        f"     names, in place of actor:unidentified-publisher-{slug} added to data/ttl/actors.ttl; keep that\n"
        "     one if it names none) and dcterms:creator (actors from data/ttl/actors.ttl), dcterms:issued or\n"
        "     shg:earliestPublication /\n"
        "     shg:latestPublication, and set shg:timePrecision to how precisely the date is known;\n"
        "  2. check shg:captureFile names the captured text in the source archive;\n"
        "  3. add one claim per (speaker, proposition), following the commented example;\n"
        f"  4. run `sahel-kg fmt {path}` and `sahel-kg validate`."
    )


def run_new_source(args: argparse.Namespace) -> int:
    """The ``sahel-kg new-source`` command: 0 written, 1 file exists, 2 bad slug."""
    slug: str = args.slug
    if not is_valid_slug(slug):
        print(f"invalid slug {slug!r}: use lowercase ASCII letters and digits separated by single "
              "hyphens, e.g. ap-abeibara-civilian-killings", file=sys.stderr)
        return 2
    root = args.root if args.root is not None else project_root()
    path = root / "data" / "ttl" / "sources" / f"{slug}.ttl"
    shown = path.relative_to(root).as_posix()
    if path.exists():
        print(f"{shown} already exists; slugs are permanent and never reused. "
              "Edit that file, or choose another slug.", file=sys.stderr)
        return 1
    capture_file = args.capture_file or f"{slug}.txt"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(source_file_text(slug, title=args.title, capture_file=capture_file, path=shown),
                    encoding="utf-8")
    add_publisher(root, slug, title=args.title)
    print(next_steps(shown, slug))
    return 0
