# Two commands on a fresh clone: `make run` and `make test`. Both create .venv when missing.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: run test lint typecheck pytest snapshots bench bench-http docs clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Stamps record what was installed, so a pyproject.toml edit reinstalls on the next command.
$(VENV)/.run-installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.dev-installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@ $(VENV)/.run-installed

# The main job on the shipped defaults: feeds on http://127.0.0.1:8080/, drafts to
# data/maildir. `make run PORT=8081 HOST=0.0.0.0` chooses the address; left out, the
# settings decide (OBSERVANCES_PORT, observances.toml, then 8080).
HOST ?=
PORT ?=
run: $(VENV)/.run-installed
	$(BIN)/observances upcoming --days 60
	$(BIN)/observances run $(if $(HOST),--host $(HOST)) $(if $(PORT),--port $(PORT))

test: $(VENV)/.dev-installed lint typecheck pytest

lint: $(VENV)/.dev-installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

typecheck: $(VENV)/.dev-installed
	$(BIN)/mypy

# ical.js (Thunderbird's parser) reads the served feed in the tests; .ci/run installs node
ICALJS := tests/clients/icaljs/node_modules/.package-lock.json
$(ICALJS): tests/clients/icaljs/package-lock.json
	@if command -v npm >/dev/null; then npm ci --prefix tests/clients/icaljs --no-audit --no-fund; \
	else echo "npm is missing: the ical.js test will fail; install nodejs and npm (see .ci/run)"; fi

# axe-core checks every page in the browser tests (tests/test_browser.py)
AXE := tests/clients/axe/node_modules/.package-lock.json
$(AXE): tests/clients/axe/package-lock.json
	@if command -v npm >/dev/null; then npm ci --prefix tests/clients/axe --no-audit --no-fund; \
	else echo "npm is missing: the browser tests will fail; install nodejs and npm (see .ci/run)"; fi

pytest: $(VENV)/.dev-installed $(ICALJS) $(AXE)
	$(BIN)/pytest

# Every golden file: dates, drafts and a feed; review the diff before committing.
snapshots: $(VENV)/.dev-installed
	$(BIN)/python scripts/generate_snapshots.py

bench: $(VENV)/.dev-installed
	$(BIN)/python bench/registry.py
	$(BIN)/python bench/feed_build.py
	$(BIN)/python bench/service_footprint.py
	$(BIN)/python bench/postgresql.py
	$(BIN)/python bench/web_pages.py

bench-http: $(VENV)/.dev-installed
	$(BIN)/python bench/http_load.py

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache site

# The docs site in site/: the command and settings references regenerated from the code,
# then MkDocs with --strict, so that a broken internal link fails the build.
docs: $(VENV)/.dev-installed
	$(BIN)/python scripts/generate_docs.py
	$(BIN)/mkdocs build --strict --quiet
