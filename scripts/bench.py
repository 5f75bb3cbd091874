"""Benchmarks against the peers; see the README's "Benchmarks" section and sahel_kg.devtools.bench."""

import sys

from sahel_kg.devtools.bench import main

if __name__ == "__main__":
    sys.exit(main())
