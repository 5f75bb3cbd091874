"""Derived summaries: what the claims add up to, computed at build time, never asserted.

Rules are SPARQL CONSTRUCT queries, one per file in ``ontology/rules/*.rq``
(:mod:`sahel_kg.derive.rules`); :func:`sahel_kg.derive.run.derive` runs them
over the curated graphs of a store and writes what they construct, with its
PROV-O provenance, into the named graph :data:`DERIVED_GRAPH`.
"""
