"""The exports by name: what each is, its file name, its columns and the rows it streams.

``sahel-kg export NAME``, ``/exports/FILE`` and the VoID description all read
:data:`EXPORTS`; adding an export is one entry here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

from sahel_kg.exports import acled, claims, ged
from sahel_kg.exports.records import incident_records
from sahel_kg.exports.table import csv_chunks
from sahel_kg.store.backend import GraphBackend

#: Text chunks of a whole export file, given the backend to read.
Writer = Callable[[GraphBackend], Iterator[str]]


@dataclass(frozen=True)
class Export:
    """One export: its file name, media type, a sentence on what it holds, and its writer."""

    filename: str
    media_type: str
    title: str
    description: str
    write: Writer


def acled_rows(backend: GraphBackend) -> Iterator[list[str]]:
    """One ACLED row per incident."""
    return (acled.row(i) for i in incident_records(backend))


def ged_rows(backend: GraphBackend) -> Iterator[list[str]]:
    """One GED row per incident."""
    return (ged.row(i) for i in incident_records(backend))


def claim_rows(backend: GraphBackend) -> Iterator[list[str]]:
    """One row per claim about each incident."""
    return (r for i in incident_records(backend) for r in claims.rows(i))


def _csv(columns: Sequence[str], rows: Callable[[GraphBackend], Iterator[list[str]]]) -> Writer:
    return lambda backend: csv_chunks(columns, rows(backend))


def N_(message: str) -> str:
    """Mark ``message`` for the interface's catalogue (``make messages``); the exports page translates it when shown.

    This layer is below the pages' (where :func:`sahel_kg.pages.i18n.N_` lives), so it marks its own words.
    """
    return message


CSV = "text/csv"
EXPORTS: dict[str, Export] = {
    "acled": Export("acled.csv", CSV, N_("ACLED-shaped events"),
                    N_("One row per incident in ACLED's 31 columns; fatalities is the most conservative claimed toll."),
                    _csv(acled.COLUMNS, acled_rows)),
    "ucdp-ged": Export("ucdp-ged.csv", CSV, N_("UCDP-GED-shaped events"),
                       N_("One row per incident in the UCDP GED columns the graph can fill, in GED's order."),
                       _csv(ged.COLUMNS, ged_rows)),
    "claims": Export("claims.csv", CSV, N_("Claims about incidents"),
                     N_("One row per claim about an incident: speaker, stance, killed figures, victims, perpetrators, "
                        "quote and source document, labels with IRIs."),
                     _csv(claims.COLUMNS, claim_rows)),
}


def by_filename(filename: str) -> Export | None:
    """The export served under this file name, if any."""
    return next((e for e in EXPORTS.values() if e.filename == filename), None)
