# Peerwell: `make demo` runs it with demo data, `make test` runs every test.
SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin

.PHONY: setup demo test test-postgres lint bench screenshots clean

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

setup: $(VENV)/.installed node_modules/.installed

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
