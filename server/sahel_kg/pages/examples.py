"""Example SPARQL queries shipped with the server, one ``queries/*.rq`` file each.

Each file starts with ``# title:``, ``# description:`` and ``# group:`` comment
lines; the rest is the query. The group heads the example in the query page's gallery. They feed the query page's menu and are the competency
questions the test suite runs against the curated data.

>>> q = example_query("claims-about-amassine")
>>> q.title
'Every claim about Amassine'
>>> "SELECT" in q.sparql
True
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources

from sahel_kg.pages.i18n import N_

#: The gallery's groups, for the catalogue: each ``# group:`` line of ``queries/*.rq`` is one of these,
#: shown translated (tests/unit/test_catalogue.py checks that every group is listed here).
GROUPS = (N_("Claims and who made them"), N_("Figures and disputes"), N_("Places and time"),
          N_("How the data was curated"))
#: The group of an example whose file names none.
OTHER_QUESTIONS = N_("Other questions")


@dataclass(frozen=True)
class ExampleQuery:
    """One example query: a stable slug, a title, a description and the SPARQL text."""

    slug: str
    title: str
    description: str
    sparql: str
    group: str = OTHER_QUESTIONS


def _parse(slug: str, text: str) -> ExampleQuery:
    meta: dict[str, str] = {}
    for line in text.splitlines():
        if not line.startswith("# "):
            break
        key, _, value = line[2:].partition(":")
        meta[key.strip()] = value.strip()
    return ExampleQuery(slug, meta.get("title", slug), meta.get("description", ""), text,
                        meta.get("group", OTHER_QUESTIONS))


@cache
def example_queries() -> tuple[ExampleQuery, ...]:
    """All example queries, in file-name order."""
    folder = resources.files(__package__) / "queries"
    files = sorted((f for f in folder.iterdir() if f.name.endswith(".rq")), key=lambda f: f.name)
    return tuple(_parse(f.name.removesuffix(".rq"), f.read_text(encoding="utf-8")) for f in files)


def example_query(slug: str) -> ExampleQuery:
    """The example query with this slug; KeyError if there is none."""
    for query in example_queries():
        if query.slug == slug:
            return query
    raise KeyError(f"no example query named {slug!r}")


def example_groups() -> list[tuple[str, list[ExampleQuery]]]:
    """The examples by group, groups in the order their first example comes (file-name order)."""
    groups: dict[str, list[ExampleQuery]] = {}
    for query in example_queries():
        groups.setdefault(query.group, []).append(query)
    return list(groups.items())
