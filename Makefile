# Two entry points for a fresh clone: `make serve` and `make test`.
# Each bootstraps .venv from pyproject.toml when it is missing or stale.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: serve test validate build clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

serve: $(STAMP)
	$(BIN)/sahel-kg serve

build: $(STAMP)
	$(BIN)/sahel-kg build

validate: $(STAMP)
	$(BIN)/sahel-kg validate

test: $(STAMP)
	sh scripts/install-test-deps.sh
	$(BIN)/python -m pytest

clean:
	rm -rf $(VENV) var
