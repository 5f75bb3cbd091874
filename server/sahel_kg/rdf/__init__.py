"""RDF and SPARQL text without a store: content negotiation and formats, serialization, the one SPARQL
reader (sparql_text), and the characters XML cannot carry. Imports nothing of the package above namespaces.
"""
