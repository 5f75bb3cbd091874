"""Benchmark of `sahel-kg import ucdp-ged` on a synthetic GED-shaped file; see sahel_kg.devtools.import_bench."""

import sys

from sahel_kg.devtools.import_bench import main

if __name__ == "__main__":
    sys.exit(main())
