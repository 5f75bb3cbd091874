"""What curators run, with no web framework and no template engine: validate (and its batched form),
the report, the Python checks, fmt, new-source (scaffold), build, load into a remote store, and coverage.
"""
