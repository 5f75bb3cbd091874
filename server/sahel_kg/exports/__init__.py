"""Tables for people who work in spreadsheets and conflict datasets: ACLED- and UCDP-GED-shaped events,
and the claims behind them, computed from the claims themselves and streamed row by row.

Layer 3: reads the graph through :mod:`sahel_kg.store.backend` only. The mapping
of every column is written down in ``docs/exports.md``.
"""
