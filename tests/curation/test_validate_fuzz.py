"""Fuzzing ``validate`` with mutated Turtle: every input a curator can write gives a report.

A valid source file is mutated one to three times — a literal made ill-typed,
a figure given the wrong datatype, a term misspelt, a triple's object left
out, the file cut off — and ``sahel-kg validate`` (whole-graph or batched)
must answer with a report and exit 1 (violations) or 2 (unreadable Turtle),
with nothing on stderr: no traceback, no library warning.
"""

from __future__ import annotations

import io
import re
import warnings
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sahel_kg.cli import main
from support.curation_project import make_project

#: Fuzzing: many mutated files through validate, whole-graph and batched.
pytestmark = pytest.mark.slow

FUZZ = settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
SOURCE = "data/ttl/sources/doc.ttl"

TYPED = re.compile(r'"([^"\\]*)"\^\^xsd:(\w+)')
FIGURE = re.compile(r"(shg:(?:low|best|high)) (\d+)")
PREFIXED = re.compile(r"\b([a-z]+):([A-Za-z][\w-]*)")
OBJECT_BEFORE_SEMICOLON = re.compile(r"^(\s+\S+) \S+ ;$", re.M)
JUNK_DATATYPES = ["integer", "date", "decimal", "boolean", "dateTime", "gYear"]


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_project(tmp_path_factory.mktemp("fuzz"))


def _nth(matches: list[re.Match[str]], pick: int) -> re.Match[str] | None:
    return matches[pick % len(matches)] if matches else None


def ill_typed(text: str, pick: int, junk: str) -> str:
    """A typed literal, or a figure, whose text is not of its datatype."""
    found = _nth(list(TYPED.finditer(text)) + list(FIGURE.finditer(text)), pick)
    datatype = JUNK_DATATYPES[pick % len(JUNK_DATATYPES)]
    if found is None:
        return text
    replacement = f'"{junk}x"^^xsd:{datatype}'
    if found.re is FIGURE:
        replacement = f"{found.group(1)} {replacement}"
    return text[:found.start()] + replacement + text[found.end():]


def wrong_datatype(text: str, pick: int, junk: str) -> str:
    """A count figure written as a string or a date instead of a whole number."""
    found = _nth(list(FIGURE.finditer(text)), pick)
    if found is None:
        return text
    written = [f'"{found.group(2)}"', f'"2023-01-0{pick % 9 + 1}"^^xsd:date', f"{found.group(2)}.5"][pick % 3]
    return text[:found.start()] + f"{found.group(1)} {written}" + text[found.end():]


def term_typo(text: str, pick: int, junk: str) -> str:
    """A prefixed name with one character added, dropped or changed (prefix or local part)."""
    lines = [m for m in PREFIXED.finditer(text) if not _in_string_or_prefix(text, m.start())]
    found = _nth(lines, pick)
    if found is None:
        return text
    name = found.group(0)
    at = pick % len(name)
    if name[at] == ":":
        at = max(0, at - 1)
    edits = [name[:at] + "x" + name[at:], name[:at] + name[at + 1:], name[:at] + "q" + name[at + 1:]]
    typo = edits[(pick // 7) % 3]
    if typo.startswith(":") or typo == name:
        typo = name + "x"
    return text[:found.start()] + typo + text[found.end():]


def _in_string_or_prefix(text: str, at: int) -> bool:
    line = text[text.rfind("\n", 0, at) + 1:text.find("\n", at)]
    return '"' in line or line.startswith("PREFIX")


def missing_object(text: str, pick: int, junk: str) -> str:
    """A triple whose object was left out: ``shg:stance ;``."""
    found = _nth(list(OBJECT_BEFORE_SEMICOLON.finditer(text)), pick)
    if found is None:
        return text
    return text[:found.start()] + found.group(1) + " ;" + text[found.end():]


def cut_off(text: str, pick: int, junk: str) -> str:
    """The file cut inside a line after its prefixes: an unfinished statement."""
    start = text.index("\n\n")
    inside = [i for i in range(start + 2, len(text)) if text[i - 1] != "\n" and text[i] != "\n"]
    return text[:inside[pick % len(inside)]]


MUTATIONS = [ill_typed, wrong_datatype, term_typo, missing_object, cut_off]
mutation = st.tuples(st.sampled_from(MUTATIONS), st.integers(0, 10_000),
                     st.text(st.characters(codec="utf-8", exclude_characters='"\\\n\r'), max_size=12))


@FUZZ
@given(mutations=st.lists(mutation, min_size=1, max_size=3), batched=st.booleans())
def test_every_mutated_file_gives_a_report_never_a_traceback(project: Path, mutations: list, batched: bool) -> None:
    path = project / SOURCE
    original = path.read_text(encoding="utf-8")
    text = original
    for mutate, pick, junk in mutations:
        text = mutate(text, pick, junk)
    assert text != original
    path.write_text(text, encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    try:
        with redirect_stdout(out), redirect_stderr(err), warnings.catch_warnings(record=True) as shown:
            warnings.simplefilter("always")
            code = main(["--root", str(project), "validate", *(["--batched"] if batched else [])])
    finally:
        path.write_text(original, encoding="utf-8")
    report = out.getvalue()
    assert err.getvalue() == "", err.getvalue()
    assert [str(w.message) for w in shown if "httpx" not in str(w.message)] == []
    assert code in (1, 2), report
    if code == 2:
        assert "Turtle syntax error" in report and "shapes were not checked" in report
    else:
        assert "fix the data or the shapes and run `" in report and report.rstrip().endswith("sahel-kg validate` again.")
        assert "(not described in any file)" not in report
    assert "Traceback" not in report
