"""``sahel-kg validate``: the Python checks and the SHACL shapes over the whole project.

Every Turtle file is parsed on its own (:mod:`sahel_kg.curation.report`); a
project that parses is checked by :mod:`sahel_kg.curation.project_checks` and by
pyshacl, and the report is written in the format asked for.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from rdflib.namespace import SH

from sahel_kg.curation.literal_check import quiet_rdflib
from sahel_kg.curation.project_checks import (
    add_results,
    check_context,
    python_findings,
    with_lines,
    without_follow_ons,
)
from sahel_kg.curation.report import (
    LoadedProject,
    SyntaxProblem,
    ValidationReport,
    _shape_results,
    _tag_files,
    deduplicated,
    file_owners,
    load_project,
    union,
    violations_from,
)


def validate_project(root: Path, *, extra_files: Sequence[Path] = (),
                     sources_dir: Path | None = None) -> ValidationReport:
    """Validate the project at ``root`` (ontology, vocabularies, data and any extra files).

    Turtle syntax errors stop validation before the checks run: the report then
    lists each unreadable file with its line, and does not conform. Otherwise
    the Python checks (:mod:`sahel_kg.curation.project_checks`) and the SHACL shapes
    both run; quotes are checked against the captures in ``sources_dir``
    (default: the ``sources`` setting of ``root``). Every input gives a report:
    an engine failure becomes ``stopped``, never a traceback.
    """
    with quiet_rdflib():
        loaded = load_project(root, extra_files=extra_files)
        report = ValidationReport(root=root, files=[*loaded.data, *loaded.shapes])
        report.syntax_errors = list(loaded.problems)
        if not report.syntax_errors:
            _check(report, loaded, sources_dir or _sources_dir(root))
    return report


def _sources_dir(root: Path) -> Path:
    from sahel_kg.settings import load_settings

    return load_settings(root=root).sources_dir


def _check(report: ValidationReport, loaded: LoadedProject, sources_dir: Path) -> None:
    """Run the Python checks, then the shapes, over a project that parsed."""
    data = union(loaded.data.values())
    try:
        context = check_context(report.root, loaded, sources_dir)
    except ValueError as exc:  # a malformed reused-terms list
        report.syntax_errors = [SyntaxProblem(file="ontology/reused-terms.csv", line=None, message=str(exc))]
        return
    report.violations = python_findings(loaded, data, context)
    results = _shape_results(report, data, union(loaded.shapes.values()))
    focus_nodes = set(results.objects(None, SH.focusNode))
    report.violations += violations_from(results, data, file_owners(loaded.data, focus_nodes))
    report.violations = with_lines(without_follow_ons(deduplicated(report.violations), results, data),
                                   loaded.data, loaded.paths)
    report.results_graph = add_results(_tag_files(results, report.violations), report.violations)


def run_validate(args: argparse.Namespace) -> int:
    """The ``sahel-kg validate`` command: 0 conforming, 1 violations, 2 unreadable Turtle."""
    from sahel_kg.settings import settings_of

    settings = settings_of(args)
    report = validate_project(settings.project_root, extra_files=list(getattr(args, "files", []) or []),
                              sources_dir=settings.sources_dir)
    return write_report(report, args)


RENDERERS = {
    "text": ValidationReport.to_text,
    "turtle": ValidationReport.to_turtle,
    "junit": ValidationReport.to_junit,
}


def write_report(report: ValidationReport, args: argparse.Namespace) -> int:
    """Print or write the report in the format asked for; returns its exit code."""
    output = RENDERERS[getattr(args, "format", "text") or "text"](report)
    if getattr(args, "output", None):
        Path(args.output).write_text(output + "\n", encoding="utf-8")
        print(f"validation report written to {args.output}", file=sys.stderr)
    else:
        print(output)
    if report.exit_code and getattr(args, "format", "text") != "text" and not getattr(args, "output", None):
        print(f"validation failed (exit {report.exit_code})", file=sys.stderr)
    return report.exit_code
