"""The ``sahel-kg`` command: one subcommand per job, each a thin wrapper.

Handlers import their module lazily so that ``sahel-kg --help`` stays fast
and a missing optional piece never breaks the other subcommands.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

Handler = Callable[[argparse.Namespace], int]


def _validate(args: argparse.Namespace) -> int:
    if getattr(args, "batched", False):
        from sahel_kg.curation.validate_batched import run_validate_batched

        return run_validate_batched(args)
    from sahel_kg.curation.validate import run_validate

    return run_validate(args)


def _fmt(args: argparse.Namespace) -> int:
    from sahel_kg.curation.fmt import run_fmt

    return run_fmt(args)


def _new_source(args: argparse.Namespace) -> int:
    from sahel_kg.curation.scaffold import run_new_source

    return run_new_source(args)


def _build(args: argparse.Namespace) -> int:
    if getattr(args, "store_url", None):
        from sahel_kg.curation.load_remote import run_load

        return run_load(args)
    from sahel_kg.curation.build import run_build

    return run_build(args)


def _serve(args: argparse.Namespace) -> int:
    from sahel_kg.serve import run_serve

    return run_serve(args)


def _coverage(args: argparse.Namespace) -> int:
    from sahel_kg.curation.coverage import run_coverage

    return run_coverage(args)


def _release(args: argparse.Namespace) -> int:
    from sahel_kg.curation.release import run_release

    return run_release(args)


def _export_nanopub(args: argparse.Namespace) -> int:
    from sahel_kg.curation.nanopub import run_export_nanopub

    return run_export_nanopub(args)


def _import(args: argparse.Namespace) -> int:
    from sahel_kg.curation.imports.run import run_import

    return run_import(args)


def _synth(args: argparse.Namespace) -> int:
    from sahel_kg.devtools.synthetic import run_synth

    return run_synth(args)


def _export_table(args: argparse.Namespace) -> int:
    from sahel_kg.exports.command import run_export

    return run_export(args)


#: What ``sahel-kg export NAME`` can write: name → (help, handler). Adding an export is one line.
EXPORTS: dict[str, tuple[str, Handler]] = {
    "acled": ("ACLED-shaped events, one row per incident (CSV)", _export_table),
    "ucdp-ged": ("UCDP-GED-shaped events, one row per incident (CSV)", _export_table),
    "claims": ("every claim about every incident, one row each (CSV)", _export_table),
    "nanopub": ("every claim as a nanopublication: head, assertion, provenance, pubinfo graphs (TriG); unsigned",
                _export_nanopub),
}


def _export(args: argparse.Namespace) -> int:
    return EXPORTS[args.name][1](args)


def _store_url_options(p: argparse.ArgumentParser) -> None:
    """Options naming an external SPARQL store (credentials come from SAHEL_KG_STORE_* only)."""
    p.add_argument("--store-url", default=None, help="SPARQL query endpoint of an external store to use instead of the embedded one")
    p.add_argument("--store-update-url", default=None, help="its SPARQL Update endpoint (default: from --store-url)")
    p.add_argument("--store-gsp-url", default=None, help="its Graph Store Protocol endpoint (default: from --store-url)")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser for every subcommand."""
    parser = argparse.ArgumentParser(
        prog="sahel-kg",
        description="Build, validate and serve the Sahel Harm Graph.",
    )
    parser.add_argument(
        "--root", type=Path, default=None,
        help="project checkout to work on (default: SAHEL_KG_ROOT, else the one this package is installed from)",
    )
    parser.add_argument(
        "--sources", type=Path, default=None,
        help="folder of the captured source documents (default: SAHEL_KG_SOURCES, else ../shared/sources from the root)",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("validate", help="check Turtle syntax and SHACL shapes; non-zero exit on any violation")
    p.add_argument("files", nargs="*", type=Path, help="extra Turtle files to validate with the project's data")
    p.add_argument("--format", choices=["text", "turtle", "junit"], default="text", help="report format (default: text)")
    p.add_argument("--output", "-o", type=Path, default=None, help="write the report to this file instead of stdout")
    p.add_argument("--batched", action="store_true", help="validate in batches against a scratch store: bounded memory for large corpora (same results)")
    p.set_defaults(handler=_validate)

    p = sub.add_parser("fmt", help="rewrite Turtle files in canonical form (or --check them)")
    p.add_argument("files", nargs="*", type=Path, help="files to format (default: every Turtle file under data/ttl/); formatting drops # comments")
    p.add_argument("--check", action="store_true", help="only list files that are not canonical, with the command that fixes them; exit 1 if any")
    p.set_defaults(handler=_fmt)

    p = sub.add_parser("coverage", help="show each source sentence with the claims quoting it or its mark; non-zero exit if any is neither")
    p.add_argument("source", nargs="*", help="source document slugs (default: every one with a capture file)")
    p.add_argument("--format", choices=["text", "json"], default="text", help="report format (default: text)")
    p.set_defaults(handler=_coverage)

    p = sub.add_parser("new-source", help="scaffold data/ttl/sources/SLUG.ttl for a new source document")
    p.add_argument("slug", help="permanent lowercase-ASCII slug for the source document, e.g. ap-abeibara-killings")
    p.add_argument("--title", required=True, help="the document's title as published")
    p.add_argument("--capture-file", default=None,
                   help="file name of the captured text in the sources folder (default: SLUG.txt)")
    p.add_argument("--language", default="en", help="language tag of the title, e.g. fr (default: en)")
    p.set_defaults(handler=_new_source)

    p = sub.add_parser("build", help="validate and load every project Turtle file into the on-disk store")
    p.add_argument("--store", type=Path, default=None, help="store pointer (default: SAHEL_KG_STORE, else var/store)")
    p.add_argument("--force", action="store_true",
                   help="load even if the shapes find violations, or inputs are unchanged (never unreadable Turtle)")
    _store_url_options(p)
    p.add_argument("--prune", action="store_true", help="with --store-url: drop graphs of ours the files no longer have")
    p.set_defaults(handler=_build)

    p = sub.add_parser("serve", help="build the store when needed and serve it over HTTP")
    p.add_argument("--store", type=Path, default=None, help="store pointer (default: SAHEL_KG_STORE, else var/store)")
    p.add_argument("--host", default=None, help="interface to listen on (default: 127.0.0.1)")
    p.add_argument("--port", type=int, default=None, help="port to listen on (default: 8000)")
    p.add_argument("--force", action="store_true",
                   help="load the data even if the shapes find violations (never unreadable Turtle)")
    _store_url_options(p)
    p.set_defaults(handler=_serve)

    p = sub.add_parser("release", help="build, then write versioned dumps and a changelog since the last release")
    p.add_argument("version", help="the release's version, MAJOR.MINOR.PATCH (Semantic Versioning 2.0.0), above the latest")
    p.add_argument("--store", type=Path, default=None, help="store pointer (default: SAHEL_KG_STORE, else var/store)")
    p.set_defaults(handler=_release)

    p = sub.add_parser("export", help="write an export of the built store: " + ", ".join(EXPORTS))
    p.add_argument("name", choices=list(EXPORTS), metavar="NAME",
                   help="; ".join(f"{name}: {what}" for name, (what, _) in EXPORTS.items()))
    p.add_argument("--out", "-o", type=Path, default=None, help="file to write (default: standard output)")
    p.add_argument("--store", type=Path, default=None, help="store pointer (default: SAHEL_KG_STORE, else var/store)")
    _store_url_options(p)
    p.set_defaults(handler=_export)


    p = sub.add_parser("import", help="import a UCDP GED or ACLED release file as coded claims under data/ttl/imports/",
                       description="Exit status: 0 imported or up to date; 1 imported with rows skipped; 2 the file, "
                                   "its header, its version or the project cannot be used (nothing written); 3 a row "
                                   "has an impossible value (nothing written). See docs/imports.md.")
    p.add_argument("dataset", choices=["ucdp-ged", "acled"], help="the dataset the file is a release of")
    p.add_argument("file", type=Path, help="the CSV file as the publisher ships it")
    p.add_argument("--version", default=None,
                   help="the release's version (default: from a GED file's name, e.g. GEDEvent_v24_1.csv → 24.1; "
                        "for ACLED the date of the export's latest timestamp)")
    p.add_argument("--on-error", choices=["stop", "skip"], default="stop",
                   help="at a row with an impossible value: stop and write nothing (default), or skip the row")
    p.add_argument("--chunk-rows", type=int, default=10_000,
                   help="rows per events-NNNNN.ttl file (default: 10000)")
    p.set_defaults(handler=_import)

    p = sub.add_parser("synth", help="write a synthetic corpus (a project root using this checkout's ontology and shapes)")
    p.add_argument("--incidents", type=int, required=True, help="number of incidents to generate")
    p.add_argument("--seed", type=int, default=0, help="random seed; the same seed gives the same files (default: 0)")
    p.add_argument("--out", type=Path, required=True, help="directory to write; use it with `sahel-kg --root DIR build`")
    p.set_defaults(handler=_synth)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``sahel-kg`` console script."""
    args = build_parser().parse_args(argv)
    handler: Handler = args.handler
    if args.command != "synth":  # synth writes a new root; every other command works on one
        from sahel_kg.settings import OPTION_SETTINGS, load_settings

        try:
            args.settings = load_settings(**{name: getattr(args, name, None) for name in OPTION_SETTINGS})
        except (FileNotFoundError, ValueError) as exc:  # no project root, or a malformed setting
            print(f"sahel-kg: {exc}", file=sys.stderr)
            return 2
    try:
        return handler(args)
    except BrokenPipeError:  # the reader went away (`sahel-kg validate | head`): not an error of ours
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    except KeyboardInterrupt:
        print("sahel-kg: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
