# attune-jupyter developer commands. `make lab` and `make test` are the README's quick start;
# both install what they need first, into a virtual environment in .venv (Debian's own Python
# refuses `pip install` outside one).
SHELL := /bin/bash
VENV ?= $(CURDIR)/.venv
PYTHON := $(VENV)/bin/python
BIN := $(VENV)/bin
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD := 1
# Where `make lab` keeps the examples' annotations (the embedded SQLite store).
LAB_STORE ?= $(CURDIR)/example_notebooks/attune.sqlite
REPORTS := $(CURDIR)/build/test-reports
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: lab test install system-deps lint format test-python clean

lab: install
	ATTUNE_STORE="$(LAB_STORE)" $(PYTHON) -m jupyterlab --notebook-dir=example_notebooks \
	  $$( [ "$$(id -u)" = 0 ] && echo --allow-root )

test: install lint test-python

# Debian packages: venv support for Debian's Python, headless Chromium for the browser tests and
# PostgreSQL's server binaries for the store tests (they start a throw-away cluster). Only what is
# missing is installed.
system-deps:
	@missing=""; \
	python3 -c "import ensurepip, venv" 2>/dev/null || missing="$$missing python3-venv"; \
	command -v chromium >/dev/null || missing="$$missing chromium"; \
	ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing="$$missing postgresql"; \
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian packages:$$missing"; \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; \
	fi

$(PYTHON): | system-deps
	python3 -m venv "$(VENV)"
	$(PYTHON) -m pip install --quiet --upgrade pip

# Builds the front end (jlpm in extension/, through hatch-jupyter-builder) and installs the
# package with its test tools, as a user's `pip install .` would. The old build output is removed
# first: the build hook skips jlpm when it finds one, and a stale front end would be installed.
install: system-deps $(PYTHON)
	rm -rf attune_jupyter/labextension attune_jupyter/widgets/static
	$(PYTHON) -m pip install --quiet ".[test]"

lint:
	$(PYTHON) -m ruff check attune_jupyter tests benchmarks conftest.py
	$(PYTHON) -m ruff format --check attune_jupyter tests benchmarks conftest.py
	$(PYTHON) -m mypy
	cd extension && PATH="$(BIN):$$PATH" jlpm install --immutable >/dev/null && PATH="$(BIN):$$PATH" jlpm lint

format:
	$(PYTHON) -m ruff format attune_jupyter tests benchmarks conftest.py
	$(PYTHON) -m ruff check --fix attune_jupyter tests benchmarks conftest.py
	cd extension && PATH="$(BIN):$$PATH" jlpm format

# Unit, server, notebook (nbval) and browser tests in one pytest run; tests/suites.py then fails
# the run if any of the four suites ran no test.
test-python:
	mkdir -p $(REPORTS)
	PATH="$(BIN):$$PATH" $(PYTHON) -m pytest tests example_notebooks --nbval-lax --nbval-current-env \
	  --nbval-sanitize-with tests/nbval_sanitize.cfg --junitxml=$(REPORTS)/junit.xml
	$(PYTHON) tests/suites.py $(REPORTS)/junit.xml

clean:
	rm -rf attune_jupyter/labextension attune_jupyter/widgets/static extension/lib \
	  extension/node_modules extension/tsconfig.tsbuildinfo build dist tests/ui/artifacts
