"""Coded event datasets (UCDP GED, ACLED) imported as attributed claims: see :mod:`.run` and docs/imports.md."""
