"""The graph store: the GraphBackend interface pages and descriptions query (embedded pyoxigraph or
a remote SPARQL store), the built store on disk, per-store caches, whether the store is the files' build,
and page deadlines.
"""
