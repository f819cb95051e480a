# Interactions CRM — run `make help` for the list of targets.
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
PYTHON ?= python3
HOST ?= 127.0.0.1
PORT ?= 8000
STAMP := $(VENV)/.installed
# Every installed package, pinned with hashes for Python 3.13 on Linux x86_64:
# the application, its dev extras and requirements/tools.in. `make lock` writes it.
LOCK := requirements/lock.txt
UV_VERSION := 0.13.9
UV_VENV := .uv
UV := $(UV_VENV)/bin/uv

.DEFAULT_GOAL := help

help: ## Show this help
	@grep -hE '^[a-zA-Z0-9_-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*?## "}; {printf "  \033[36m%-10s\033[0m %s\n", $$1, $$2}'

$(PY):
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 13) else "Python 3.13 is needed ($(LOCK) is pinned for it; see .python-version); set PYTHON=python3.13")'
	$(PYTHON) -m venv $(VENV)

# Refuse a lock that no longer satisfies pyproject.toml (edited without `make lock`).
define CHECK_LOCK
import sys, tomllib
from importlib.metadata import PackageNotFoundError, version
from packaging.requirements import Requirement
project = tomllib.load(open("pyproject.toml", "rb"))["project"]
stale = []
for line in project["dependencies"] + project["optional-dependencies"]["dev"]:
    req = Requirement(line)
    if req.marker and not req.marker.evaluate({"extra": "dev"}):
        continue
    try:
        locked = version(req.name)
    except PackageNotFoundError:
        locked = "missing"
    if locked == "missing" or not req.specifier.contains(locked, prereleases=True):
        stale.append(f"{req} (lock has: {locked})")
if stale:
    sys.exit("$(LOCK) does not satisfy pyproject.toml; run `make lock`:\n  " + "\n  ".join(stale))
endef
export CHECK_LOCK

$(STAMP): $(PY) $(LOCK) pyproject.toml
	$(PY) -m pip install --quiet --require-hashes -r $(LOCK)
	$(PY) -m pip install --quiet --no-deps --no-build-isolation -e .
	@$(PY) -c "$$CHECK_LOCK"
	@touch $(STAMP)

venv: $(STAMP) ## Create .venv; install the pinned packages of requirements/lock.txt, then the project

$(UV_VENV)/.uv-$(UV_VERSION):
	$(PYTHON) -m venv $(UV_VENV)
	$(UV_VENV)/bin/pip install --quiet uv==$(UV_VERSION)
	@touch $@

lock: $(UV_VENV)/.uv-$(UV_VERSION) ## Re-pin requirements/lock.txt after editing dependencies (UPGRADE=1: newest allowed)
	$(UV) pip compile pyproject.toml requirements/tools.in --extra dev --extra redis --extra pool \
	    --python-version 3.13 --python-platform x86_64-unknown-linux-gnu \
	    --generate-hashes --custom-compile-command "make lock" \
	    $(if $(UPGRADE),--upgrade) --quiet -o $(LOCK)

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

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

e2e: venv node_modules/.installed ## Browser tests (Playwright + Debian chromium; npm ci installs axe-core)
	$(PY) -m pytest -m e2e tests/e2e

a11y: venv node_modules/.installed ## Accessibility: axe-core on every staff page, en + nb, 1280 and 390 px wide
	$(PY) -m pytest -m e2e tests/e2e/test_accessibility.py tests/e2e/test_small_screen.py

fuzz: venv ## Fuzz the REST API with Schemathesis against gunicorn (.ci/api-fuzz)
	.ci/api-fuzz

lint: venv ## ruff, format, migrations, Django checks, import contract, mypy (runs all, fails if any fails)
	@failed=""; \
	step() { echo "--- $$*"; "$$@" || failed="$$failed"$$'\n'"  $$*"; }; \
	step $(VENV)/bin/ruff check .; \
	step $(VENV)/bin/ruff format --check .; \
	step $(PY) manage.py makemigrations --check --dry-run; \
	step $(PY) manage.py check --fail-level WARNING; \
	step $(VENV)/bin/lint-imports; \
	step $(VENV)/bin/mypy; \
	if [ -n "$$failed" ]; then echo "make lint: these checks failed:$$failed" >&2; exit 1; fi

fmt: venv ## Format and autofix with ruff
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

messages: venv ## Update and compile the Norwegian translations
	$(PY) manage.py makemessages -l nb --no-obsolete --ignore=.venv --ignore=tests --ignore=bench
	$(PY) manage.py compilemessages --ignore=.venv

bench: venv ## Performance benchmarks on PostgreSQL (BENCH_SCALE, DATABASE_URL)
	$(PY) bench/run.py

clean: ## Remove the virtualenv and the local SQLite database
	rm -rf $(VENV) $(UV_VENV) db.sqlite3 db.sqlite3-shm db.sqlite3-wal

.PHONY: help venv lock migrate run serve test e2e a11y fuzz lint fmt messages bench clean
