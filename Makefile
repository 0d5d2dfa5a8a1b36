# PCN Hub. `make demo` serves the app with demo data; `make test` runs every test.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
UV_VERSION := 0.13.8
HOST ?= 127.0.0.1
PORT ?= 8000
export DEBUG ?= 1
export SECURE_HTTPS ?= 0

.PHONY: install assets demo demo-national test check format bench clean

$(BIN)/uv:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
		{ echo "PCN Hub needs Python 3.11 or newer as $(PYTHON) (set PYTHON=...)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

# The lock file pins every Python package; --inexact keeps uv itself in the venv.
install: $(BIN)/uv assets
	$(BIN)/uv sync --frozen --inexact --quiet
	mkdir -p var

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# Front-end packages come from npm and are copied into static/dist, never committed.
assets: node_modules/.package-lock.json
	mkdir -p static/dist
	cp node_modules/nhsuk-frontend/dist/nhsuk/nhsuk-frontend.min.css static/dist/
	cp node_modules/nhsuk-frontend/dist/nhsuk/nhsuk-frontend.min.js static/dist/
	cp -r node_modules/nhsuk-frontend/dist/nhsuk/assets static/dist/
	cp node_modules/htmx.org/dist/htmx.min.js static/dist/
	cp node_modules/chart.js/dist/chart.umd.min.js static/dist/

# Both demos serve with the import worker beside the server; Ctrl-C stops both.
define serve
	$(BIN)/pcnhub collectstatic --no-input --verbosity 0
	@echo "PCN Hub: http://$(HOST):$(PORT)/"
	$(BIN)/pcnhub worker --verbosity 0 & worker=$$!; \
	trap "kill $$worker 2>/dev/null" EXIT; \
	$(BIN)/pcnhub runserver $(HOST):$(PORT)
endef

demo: install
	$(BIN)/pcnhub migrate --no-input
	$(BIN)/pcnhub load_demo
	$(serve)

demo-national: install
	$(BIN)/pcnhub migrate --no-input
	$(BIN)/pcnhub load_demo --national
	$(serve)

test: install
	$(BIN)/pcnhub collectstatic --no-input --verbosity 0
	$(BIN)/python -m pytest $(PYTEST_ARGS)

check: install
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/pcnhub makemigrations --check --dry-run

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: install
	$(BIN)/python bench/import_national.py
	$(BIN)/python bench/registrations.py
	$(BIN)/python bench/payments.py
	$(BIN)/python bench/delivery.py
	$(BIN)/python bench/population.py

clean:
	rm -rf $(VENV) node_modules static/dist staticfiles
