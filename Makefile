# attune-jupyter developer commands. `make lab` and `make test` are the README's quick start;
# both install what they need first.
SHELL := /bin/bash
PYTHON ?= python3
PIP := $(PYTHON) -m pip
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD := 1
# Where `make lab` keeps the examples' annotations (the embedded SQLite store).
LAB_STORE ?= $(CURDIR)/example_notebooks/attune.sqlite
REPORTS := $(CURDIR)/build/test-reports

.PHONY: lab test install system-deps lint format test-python clean

lab: install
	ATTUNE_STORE="$(LAB_STORE)" $(PYTHON) -m jupyterlab --notebook-dir=example_notebooks \
	  $$( [ "$$(id -u)" = 0 ] && echo --allow-root )

test: install lint test-python

# Debian packages the tests need: headless Chromium for the browser tests and PostgreSQL's server
# binaries for the store tests (they start a throw-away cluster). Skipped when already present.
system-deps:
	@missing=""; \
	command -v chromium >/dev/null || missing="$$missing chromium"; \
	ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing="$$missing postgresql"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing; \
	fi

# Builds the front end (jlpm in extension/, through hatch-jupyter-builder) and installs the
# package with its test tools, exactly as a user's `pip install .` would.
install: system-deps
	$(PIP) install --quiet ".[test]"

lint:
	$(PYTHON) -m ruff check attune_jupyter tests benchmarks
	$(PYTHON) -m ruff format --check attune_jupyter tests benchmarks
	$(PYTHON) -m mypy
	cd extension && jlpm install --immutable >/dev/null && jlpm lint

format:
	$(PYTHON) -m ruff format attune_jupyter tests benchmarks
	$(PYTHON) -m ruff check --fix attune_jupyter tests benchmarks
	cd extension && jlpm format

# Unit, server, notebook (nbval) and browser tests in one pytest run; tests/suites.py then fails
# the run if any of the four suites ran no test.
test-python:
	mkdir -p $(REPORTS)
	$(PYTHON) -m pytest tests example_notebooks --nbval-lax \
	  --nbval-sanitize-with tests/nbval_sanitize.cfg --junitxml=$(REPORTS)/junit.xml
	$(PYTHON) tests/suites.py $(REPORTS)/junit.xml

clean:
	rm -rf attune_jupyter/labextension attune_jupyter/widgets/static extension/lib \
	  extension/node_modules extension/tsconfig.tsbuildinfo build dist $(REPORTS)
