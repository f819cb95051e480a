# Interactions CRM — run `make help` for the list of targets.
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
PYTHON ?= python3
HOST ?= 127.0.0.1
PORT ?= 8000
STAMP := $(VENV)/.installed

.DEFAULT_GOAL := help

help: ## Show this help
	@grep -hE '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*?## "}; {printf "  \033[36m%-10s\033[0m %s\n", $$1, $$2}'

$(PY):
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else "Python >= 3.12 is needed (see .python-version); set PYTHON=python3.13")'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(STAMP): $(PY) pyproject.toml
	$(PY) -m pip install --quiet -e ".[dev]"
	@touch $(STAMP)

venv: $(STAMP) ## Create .venv and install the application and test dependencies

migrate: venv ## Apply database migrations
	$(PY) manage.py migrate --no-input

run: venv ## Install, migrate, load demo data, serve http://127.0.0.1:8000 with a task worker (DEBUG=1: Django's debug pages)
	$(PY) manage.py migrate --no-input
	$(PY) manage.py createcachetable
	$(PY) manage.py compilemessages --ignore=.venv -v 0 || true
	$(PY) manage.py seed_demo
	@echo ""
	@echo "  Interactions CRM on http://$(HOST):$(PORT)/  — log in as demo / demo"
	@echo "  Admin: http://$(HOST):$(PORT)/admin/   API docs: http://$(HOST):$(PORT)/api/v1/docs/"
	@echo ""
	DEBUG=$(DEBUG) $(PY) manage.py db_worker & worker=$$!; \
	trap "kill $$worker 2>/dev/null" EXIT INT TERM; \
	DEBUG=$(DEBUG) $(PY) manage.py runserver $(HOST):$(PORT)

serve: venv ## Production-style: gunicorn + task worker (environment: deploy/crm.env.example, docs/deploy.md)
	$(PY) manage.py migrate --no-input
	$(PY) manage.py createcachetable
	$(PY) manage.py collectstatic --no-input -v 0
	$(PY) manage.py db_worker & worker=$$!; \
	trap "kill $$worker 2>/dev/null" EXIT INT TERM; \
	$(VENV)/bin/gunicorn interactions_crm.wsgi --bind $(HOST):$(PORT) --workers $(or $(WEB_WORKERS),3)

cluster: venv ## Drill: PostgreSQL primary + replica, 3 gunicorn behind HAProxy, 2 workers, load and kills
	$(PY) deploy/drills/cluster.py

backup-drill: venv ## Drill: pg_dump under writes, restore into a fresh database, compare (docs/operations.md)
	$(PY) deploy/drills/backup.py

.PHONY: cluster backup-drill

test: venv ## Run the whole test suite (DATABASE_URL=postgresql://… for PostgreSQL)
	$(PY) -m pytest -m "not e2e"

e2e: venv ## Browser tests (Playwright + Debian chromium)
	$(PY) -m pytest -m e2e tests/e2e

fuzz: venv ## Fuzz the REST API with Schemathesis against gunicorn (.ci/api-fuzz)
	.ci/api-fuzz

lint: venv ## ruff lint + format check + migration check
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) manage.py makemigrations --check --dry-run

fmt: venv ## Format and autofix with ruff
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

messages: venv ## Update and compile the Norwegian translations
	$(PY) manage.py makemessages -l nb --no-obsolete --ignore=.venv --ignore=tests --ignore=bench
	$(PY) manage.py compilemessages --ignore=.venv

bench: venv ## Performance benchmarks on PostgreSQL (BENCH_SCALE, DATABASE_URL)
	$(PY) bench/run.py

clean: ## Remove the virtualenv and the local SQLite database
	rm -rf $(VENV) db.sqlite3 db.sqlite3-shm db.sqlite3-wal

.PHONY: help venv migrate run serve test e2e fuzz lint fmt messages bench clean
