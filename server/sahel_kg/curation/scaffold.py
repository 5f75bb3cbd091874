"""Scaffold the Turtle file for a new source document.

``sahel-kg new-source SLUG --title TITLE`` writes ``data/ttl/sources/SLUG.ttl``
holding the source document in canonical form, followed by a commented
example claim to copy. Running ``sahel-kg fmt`` on the file later drops that
comment, as formatting drops all comments. The skeleton does not validate
until the curator adds what only the document can tell (its publisher, what
is known of its date, its claims) and puts its capture in the sources folder:
``sahel-kg validate`` then lists exactly those.

>>> print(source_skeleton("ap-example", title="An example", capture_file="ap-example.txt"))
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX shg: <https://w3id.org/sahel-harm/ontology/>
PREFIX source: <https://w3id.org/sahel-harm/id/source/>
PREFIX tprec: <https://w3id.org/sahel-harm/vocab/time-precision/>
<BLANKLINE>
source:ap-example
    a shg:SourceDocument ;
    dcterms:title "An example"@en ;
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

from rdflib import RDF, Graph, Literal, URIRef

from sahel_kg.command_name import command_name
from sahel_kg.curation.fmt import format_graph
from sahel_kg.curation.terms import SHG
from sahel_kg.namespaces import PREFIXES
from sahel_kg.settings import settings_of

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


def source_skeleton(slug: str, *, title: str, capture_file: str, language: str = "en") -> str:
    """The canonical Turtle of a new source document with what a curator must fill in."""
    graph = Graph()
    doc = source_iri(slug)
    graph.add((doc, RDF.type, SHG.SourceDocument))
    graph.add((doc, URIRef(PREFIXES["dcterms"] + "title"), Literal(title, lang=language)))
    graph.add((doc, SHG.captureFile, Literal(capture_file)))
    graph.add((doc, SHG.timePrecision, URIRef(PREFIXES["tprec"] + "unknown")))
    return format_graph(graph)


def source_file_text(slug: str, *, title: str, capture_file: str, path: str, language: str = "en") -> str:
    """The whole scaffolded file: the skeleton, then the commented example claim."""
    skeleton = source_skeleton(slug, title=title, capture_file=capture_file, language=language)
    missing = [p for p in EXAMPLE_PREFIXES if f"PREFIX {p}:" not in skeleton]
    prefixes = "\n".join(f"# PREFIX {p}: <{PREFIXES[p]}>" for p in missing)
    return skeleton + "\n" + EXAMPLE_CLAIM.format(slug=slug, path=path, prefixes=prefixes)


def next_steps(path: str, slug: str, capture: Path) -> str:
    """What to do after scaffolding, printed by the command.

    >>> print(next_steps("data/ttl/sources/x.ttl", "x", Path("/nowhere/x.txt")).splitlines()[3])
         /nowhere/x.txt does not exist yet: save the captured text there;
    """
    there = "is there" if capture.is_file() else "does not exist yet: save the captured text there"
    return (
        f"wrote {path}\n"
        "Next steps:\n"
        f"  1. the capture, against which `validate` checks every quote (the sources folder, SAHEL_KG_SOURCES):\n"
        f"     {capture} {there};\n"
        f"  2. fill in source:{slug}: dcterms:publisher and dcterms:creator (actors from\n"
        "     data/ttl/actors.ttl), dcterms:issued or shg:earliestPublication / shg:latestPublication,\n"
        "     and set shg:timePrecision to how precisely the date is known;\n"
        "  3. add one claim per (speaker, proposition), following the commented example;\n"
        f"  4. run `{command_name()} fmt {path}` and `{command_name()} validate`: it lists what is still missing."
    )


def run_new_source(args: argparse.Namespace) -> int:
    """The ``sahel-kg new-source`` command: 0 written, 1 file exists, 2 bad slug."""
    slug: str = args.slug
    if not is_valid_slug(slug):
        print(f"invalid slug {slug!r}: use lowercase ASCII letters and digits separated by single "
              "hyphens, e.g. ap-abeibara-civilian-killings", file=sys.stderr)
        return 2
    settings = settings_of(args)
    root = settings.project_root
    path = root / "data" / "ttl" / "sources" / f"{slug}.ttl"
    shown = path.relative_to(root).as_posix()
    if path.exists():
        print(f"{shown} already exists; slugs are permanent and never reused. "
              "Edit that file, or choose another slug.", file=sys.stderr)
        return 1
    capture_file = args.capture_file or f"{slug}.txt"
    path.parent.mkdir(parents=True, exist_ok=True)
    language = getattr(args, "language", None) or "en"
    path.write_text(source_file_text(slug, title=args.title, capture_file=capture_file, path=shown,
                                     language=language), encoding="utf-8")
    print(next_steps(shown, slug, settings.sources_dir / capture_file))
    return 0
