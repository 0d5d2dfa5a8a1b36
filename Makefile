# PCN Hub. `make demo` serves the app with demo data; `make test` runs every test.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
UV_VERSION := 0.13.8
HOST ?= 127.0.0.1
PORT ?= 8000
# `make serve` is HTTPS-only unless SECURE_HTTPS=0 is given; the demos and tests are plain HTTP.
SERVE_HTTPS := $(if $(filter undefined,$(origin SECURE_HTTPS)),1,$(SECURE_HTTPS))
export DEBUG ?= 1
export SECURE_HTTPS ?= 0

.PHONY: install assets demo demo-national serve test check format bench clean

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
define serve_demo
	$(BIN)/pcnhub collectstatic --no-input --verbosity 0
	@echo "PCN Hub: http://$(HOST):$(PORT)/"
	$(BIN)/pcnhub worker --verbosity 0 & worker=$$!; \
	trap "kill $$worker 2>/dev/null" EXIT; \
	$(BIN)/pcnhub runserver $(HOST):$(PORT)
endef

demo: install
	$(BIN)/pcnhub migrate --no-input
	$(BIN)/pcnhub load_demo
	$(serve_demo)

demo-national: install
	$(BIN)/pcnhub migrate --no-input
	$(BIN)/pcnhub load_demo --national
	$(serve_demo)

# Production: gunicorn (pcnhub/gunicorn.conf.py) with the import worker beside it, DEBUG off,
# on PostgreSQL and Redis when DATABASE_URL and REDIS_URL are set.
serve: export DEBUG := 0
serve: export SECURE_HTTPS := $(SERVE_HTTPS)
serve:
	@test -n "$$SECRET_KEY" || { echo "make serve: set SECRET_KEY (see dotenv-sample)"; exit 1; }
	@test -n "$$BANK_DETAILS_KEYS" || { echo "make serve: set BANK_DETAILS_KEYS, the keys that encrypt bank details (see README, Deploying)"; exit 1; }
	$(MAKE) install
	$(BIN)/pcnhub migrate --no-input
	$(BIN)/pcnhub collectstatic --no-input --verbosity 0
	$(BIN)/pcnhub worker --verbosity 0 & worker=$$!; \
	trap "kill $$worker 2>/dev/null" EXIT; \
	HOST=$(HOST) PORT=$(PORT) $(BIN)/gunicorn --config pcnhub/gunicorn.conf.py

test: install
	$(BIN)/pcnhub collectstatic --no-input --verbosity 0
	$(BIN)/python -m pytest $(PYTEST_ARGS)

check: install
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/pcnhub makemigrations --check --dry-run
# The deploy check with production settings: throwaway keys, no server and no network.
	DEBUG=0 SECURE_HTTPS=1 \
	SECRET_KEY="$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(50))')" \
	BANK_DETAILS_KEYS="$$($(BIN)/python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())')" \
	$(BIN)/pcnhub check --deploy --fail-level WARNING

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
