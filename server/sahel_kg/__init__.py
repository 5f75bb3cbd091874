"""Sahel Harm Graph: a linked-data knowledge graph of alleged harm to civilians in the Sahel."""

__version__ = "0.1.0"
