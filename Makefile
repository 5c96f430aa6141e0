# Peerwell: `make demo` runs it with demo data, `make test` runs every test.
SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin

.PHONY: setup messages messages-extract demo test test-postgres lint bench screenshots clean

$(VENV)/.installed: pyproject.toml
	@python=$$(scripts/find-python) && \
	  echo "Using $$python" && \
	  "$$python" -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	@touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

# Translations: peerwell/locale/LANG/LC_MESSAGES/django.po is the source (in git); its
# compiled .mo is build output, rebuilt whenever the .po changes. Babel (a Python package,
# from .[dev]) compiles it, so a fresh machine needs no gettext.
LOCALE := peerwell/locale
CATALOGS := $(patsubst %.po,%.mo,$(wildcard $(LOCALE)/*/LC_MESSAGES/django.po))

$(LOCALE)/%/LC_MESSAGES/django.mo: $(LOCALE)/%/LC_MESSAGES/django.po | $(VENV)/.installed
	$(BIN)/pybabel compile --statistics -i $< -o $@

messages: $(CATALOGS)

# After marking new strings: update every .po from the templates and code, then translate
# the new entries. Needs GNU gettext (apt-get install gettext), like Django's makemessages.
messages-extract: $(VENV)/.installed
	cd peerwell && PEERWELL_VAR=$(CURDIR)/var $(abspath $(BIN))/peerwell makemessages --all --add-location file --no-obsolete

setup: $(VENV)/.installed node_modules/.installed messages

demo: setup
	$(BIN)/peerwell demo

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/peerwell makemigrations --check --dry-run

test: lint
	$(BIN)/pytest

test-postgres: setup
	scripts/with-postgres $(BIN)/pytest

bench: setup
	$(BIN)/python -m bench.run

screenshots: setup
	PEERWELL_SCREENSHOTS=docs/screenshots $(BIN)/pytest tests/browser -q

clean:
	rm -rf $(VENV) node_modules var .pytest_cache
	rm -f $(CATALOGS)
