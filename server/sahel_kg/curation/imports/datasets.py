"""The coded event datasets we read, by their publishers' column layouts, and the header check.

UCDP's Georeferenced Event Dataset (GED) ships 49 columns (UCDP GED
Codebook, version 24.1, section 3); ACLED's exports ship 31 (ACLED
Codebook, 2023, "Data columns"). A header is accepted when it names exactly
these columns, in any order, with or without a UTF-8 byte order mark; any
other header is refused with the missing and unexpected names, and a header
of the other dataset is named as such.

>>> check_header(GED, list(ACLED.columns)).looks_like
'acled'
>>> problem = check_header(GED, [c for c in GED.columns if c != "best"] + ["bestest"])
>>> problem.missing, problem.unexpected
(['best'], ['bestest'])
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Dataset:
    """One publisher's export format: its command name, columns, record identifier and coder."""

    name: str  # the subcommand and the folder under data/ttl/imports/
    title: str
    columns: tuple[str, ...]
    record_id: str  # the column whose value identifies a record across releases
    coder: str  # the actor IRI's local name in data/ttl/actors.ttl
    license: str
    homepage: str


GED = Dataset(
    name="ucdp-ged",
    title="UCDP Georeferenced Event Dataset (GED)",
    columns=(
        "id", "relid", "year", "active_year", "code_status", "type_of_violence", "conflict_dset_id",
        "conflict_new_id", "conflict_name", "dyad_dset_id", "dyad_new_id", "dyad_name", "side_a_dset_id",
        "side_a_new_id", "side_a", "side_b_dset_id", "side_b_new_id", "side_b", "number_of_sources",
        "source_article", "source_office", "source_date", "source_headline", "source_original", "where_prec",
        "where_coordinates", "where_description", "adm_1", "adm_2", "latitude", "longitude", "geom_wkt",
        "priogrid_gid", "country", "country_id", "region", "event_clarity", "date_prec", "date_start",
        "date_end", "deaths_a", "deaths_b", "deaths_civilians", "deaths_unknown", "best", "high", "low",
        "gwnoa", "gwnob",
    ),
    record_id="relid",
    coder="ucdp",
    license="https://creativecommons.org/licenses/by/4.0/",
    homepage="https://ucdp.uu.se/downloads/",
)

ACLED = Dataset(
    name="acled",
    title="Armed Conflict Location & Event Data (ACLED) export",
    columns=(
        "event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type",
        "sub_event_type", "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2",
        "interaction", "civilian_targeting", "iso", "region", "country", "admin1", "admin2", "admin3",
        "location", "latitude", "longitude", "geo_precision", "source", "source_scale", "notes",
        "fatalities", "tags", "timestamp",
    ),
    record_id="event_id_cnty",
    coder="acled",
    license="https://acleddata.com/terms-of-use/",
    homepage="https://acleddata.com/data-export-tool/",
)

DATASETS: dict[str, Dataset] = {GED.name: GED, ACLED.name: ACLED}


@dataclass(frozen=True)
class HeaderProblem:
    """Why a header is not the expected dataset's: columns missing, columns unexpected, or another dataset."""

    dataset: Dataset
    missing: list[str]
    unexpected: list[str]
    looks_like: str | None = None
    duplicated: list[str] | None = None

    def message(self) -> str:
        """What is wrong, in a sentence a person can act on."""
        if self.looks_like:
            other = DATASETS[self.looks_like]
            return (f"this file has the columns of {other.title}, not of {self.dataset.title}: "
                    f"import it with `sahel-kg import {other.name} FILE`")
        parts = []
        if self.missing:
            parts.append(f"missing column(s): {', '.join(self.missing)}")
        if self.unexpected:
            parts.append(f"unexpected column(s): {', '.join(self.unexpected)}")
        if self.duplicated:
            parts.append(f"column(s) named twice: {', '.join(self.duplicated)}")
        return (f"the header is not {self.dataset.title}'s {len(self.dataset.columns)} columns ("
                + "; ".join(parts) + "); export the file again as the publisher ships it")


def check_header(dataset: Dataset, header: Sequence[str]) -> HeaderProblem | None:
    """None when ``header`` names exactly ``dataset``'s columns (any order), else what is wrong.

    Names are compared after trimming spaces and a byte order mark; a header
    that is another dataset's (most of its columns present) is reported as that.
    """
    names = [h.strip().lstrip("\ufeff").strip() for h in header]
    expected, given = set(dataset.columns), set(names)
    if given == expected and len(names) == len(given):
        return None
    for other in DATASETS.values():
        if other is not dataset and len(given & set(other.columns)) > len(given & expected) \
                and len(given & set(other.columns)) >= len(other.columns) // 2:
            return HeaderProblem(dataset, [], [], looks_like=other.name)
    duplicated = sorted({n for n in names if names.count(n) > 1})
    return HeaderProblem(dataset, [c for c in dataset.columns if c not in given],
                         [n for n in names if n not in expected], duplicated=duplicated or None)
