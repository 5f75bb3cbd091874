# Two entry points for a fresh clone: `make serve` and `make test`.
# Each bootstraps .venv from pyproject.toml when it is missing or stale.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: serve test test-fast lint validate build clean messages

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

# The whole suite, as CI runs it (.ci/run calls `make test`).
test: $(STAMP)
	sh scripts/install-test-deps.sh
	$(BIN)/python -m pytest

# The development lane: everything but the tests marked real_server, browser or
# slow (see pyproject.toml); the run ends by naming what it left out.
FAST := not real_server and not browser and not slow
test-fast: $(STAMP)
	$(BIN)/python -m pytest -m "$(FAST)"

# The lint gate CI runs before the tests: style, static types, and the import
# contract (the package's layering, and what curation commands and query
# workers may load; see docs/architecture.md).
lint: $(STAMP)
	$(BIN)/ruff check server tests scripts
	$(BIN)/mypy
	$(BIN)/python scripts/import_contract.py

# The interface's words: extract every message of the templates and the Python code into
# messages.pot, then add the new ones to each language's .po (untranslated, for a translator to
# fill in; tests/unit/test_catalogue.py fails until they are). No .mo: the app compiles the .po.
LOCALE := server/sahel_kg/pages/locale
messages: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg --no-location --sort-output --project="Sahel Harm Graph" \
		--copyright-holder="Sahel Harm Graph" -o $(LOCALE)/messages.pot .
	$(BIN)/pybabel update -i $(LOCALE)/messages.pot -d $(LOCALE) -l fr --no-fuzzy-matching --ignore-obsolete
	# no extraction date in the files: two branches that both ran this would otherwise conflict on it
	sed -i '/^"POT-Creation-Date: /d' $(LOCALE)/messages.pot $(LOCALE)/*/LC_MESSAGES/messages.po

clean:
	rm -rf $(VENV) var
