"""Full-text search over labels: the SQLite FTS5 index written beside a built store, and its reader.
"""
