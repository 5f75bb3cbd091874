"""The test lanes: `make test` runs everything, `make test-fast` leaves out the lane markers and says so."""

from __future__ import annotations

import re
import tomllib
from types import SimpleNamespace

import pytest

from support import lanes
from support.backends import BOTH_BACKENDS
from support.lanes import LANE_MARKERS
from support.project_data import ROOT


def recipe(target: str) -> str:
    """The command lines of a Makefile target."""
    text = (ROOT / "Makefile").read_text(encoding="utf-8")
    body = re.search(rf"^{re.escape(target)}:.*\n((?:\t.*\n)+)", text, re.MULTILINE)
    assert body is not None, target
    return body.group(1)


def test_the_full_lane_deselects_nothing() -> None:
    pytest_line = next(line for line in recipe("test").splitlines() if "-m pytest" in line)
    assert not re.search(r"\s(-m|-k|--deselect|--ignore)\b", pytest_line.split("-m pytest", 1)[1]), pytest_line
    addopts = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["pytest"]["ini_options"]["addopts"]
    assert not re.search(r"(-m|-k|--deselect|--ignore)\b", addopts), addopts


def test_the_fast_lane_leaves_out_exactly_the_lane_markers() -> None:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    expression = re.search(r"^FAST := (.*)$", makefile, re.MULTILINE)
    assert expression is not None and '-m "$(FAST)"' in recipe("test-fast")
    assert expression.group(1) == " and ".join(f"not {m}" for m in LANE_MARKERS)


def test_every_lane_marker_is_declared_and_says_it_is_left_out() -> None:
    declared = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["pytest"]["ini_options"]["markers"]
    described = {line.split(":", 1)[0]: line for line in declared}
    assert all(m in described and "not in make test-fast" in described[m] for m in LANE_MARKERS)


def test_a_run_names_what_it_left_out(monkeypatch: pytest.MonkeyPatch) -> None:
    def item(nodeid: str, marker: str | None) -> SimpleNamespace:
        return SimpleNamespace(nodeid=nodeid, get_closest_marker=lambda name: name if name == marker else None)

    monkeypatch.setattr(lanes, "_LEFT_OUT", [item("tests/test_a.py::x", "slow"), item("tests/test_b.py::y", "browser"),
                                                item("tests/test_b.py::z", "browser"), item("tests/test_c.py::w", None)])
    lines: list[str] = []
    reporter = SimpleNamespace(write_line=lines.append, section=lambda title: lines.append(f"== {title}"))
    config = SimpleNamespace(getoption=lambda name: {"markexpr": "not slow", "keyword": ""}[name])
    lanes.pytest_terminal_summary(reporter, 0, config)  # type: ignore[arg-type]
    assert lines[0] == "== left out of this run" and lines[1].startswith("4 tests deselected by -m 'not slow'")
    assert [line.split() for line in lines[2:]] == [["2", "browser:", "tests/test_b.py"], ["1", "slow:", "tests/test_a.py"],
                                                   ["1", "other:", "tests/test_c.py"]]


def test_a_run_that_leaves_nothing_out_says_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(lanes, "_LEFT_OUT", [])
    lines: list[str] = []
    lanes.pytest_terminal_summary(SimpleNamespace(write_line=lines.append), 0, None)  # type: ignore[arg-type]
    assert lines == []


def test_every_two_backend_module_is_a_test_module() -> None:
    """The two-backend matrix names modules by file name: a moved or renamed module must not drop out of it."""
    modules = {p.stem for p in (ROOT / "tests").rglob("test_*.py")}
    assert BOTH_BACKENDS - modules == set()
