"""Tools for the project's own developers: the benchmark, the synthetic corpus and the generated
README tables.
"""
