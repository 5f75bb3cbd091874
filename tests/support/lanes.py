"""The test lanes (a pytest plugin, loaded by ``tests/conftest.py``).

``make test`` runs every test; ``make test-fast`` leaves out the tests carrying
any of :data:`LANE_MARKERS` (declared in ``pyproject.toml``) and, at the end of
its run, names what it left out, by lane marker and by file: a lane never drops
tests silently. ``tests/unit/test_lanes.py`` checks both.
"""

from __future__ import annotations

import pytest

#: What a ``-m`` expression left out of this run, reported at the end (see :func:`pytest_terminal_summary`).
_LEFT_OUT: list[pytest.Item] = []
#: The markers that make the lanes: ``make test-fast`` leaves out the tests carrying any of them.
LANE_MARKERS = ("real_server", "browser", "slow")


def pytest_deselected(items: list[pytest.Item]) -> None:
    """Remember what was deselected, so that the run can say it."""
    _LEFT_OUT.extend(items)


def pytest_terminal_summary(terminalreporter: object, exitstatus: int, config: pytest.Config) -> None:
    """Name what this run left out, by lane marker and by file: a lane never drops tests silently."""
    if not _LEFT_OUT:
        return
    write = terminalreporter.write_line  # type: ignore[attr-defined]
    terminalreporter.section("left out of this run")  # type: ignore[attr-defined]
    write(f"{len(_LEFT_OUT)} tests deselected by -m {config.getoption('markexpr')!r}"
          f"{' -k ' + repr(config.getoption('keyword')) if config.getoption('keyword') else ''};"
          " `make test` runs them all:")
    for marker in (*LANE_MARKERS, None):
        items = [i for i in _LEFT_OUT if _lane(i) == marker]
        files = sorted({i.nodeid.split("::", 1)[0] for i in items})
        if items:
            write(f"  {len(items):4d} {marker or 'other'}: {', '.join(files)}")


def _lane(item: pytest.Item) -> str | None:
    return next((m for m in LANE_MARKERS if item.get_closest_marker(m)), None)
