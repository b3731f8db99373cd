# Newsroom: `make run` serves the demo site, `make test` runs every test.
# DATABASE_URL=postgres://… runs either against PostgreSQL instead of SQLite.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
# The suite runs on every core; PYTEST_ARGS="-n 0 -x" runs it in one process, stopping at the first failure.
PYTEST_ARGS ?= -n auto

.PHONY: run test test-fast install install-dev lint format check clean bench-instructions worker beat

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed-runtime: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@ $(VENV)/.installed-runtime

install: $(VENV)/.installed-runtime
install-dev: $(VENV)/.installed-dev

# manage.py as `make run` uses it: debug on unless DEBUG is set, and SITE_URL the address it serves
# at, so the logins and links it prints are for the port it really uses.
DEV_MANAGE = DEBUG=$${DEBUG:-1} SITE_URL=$${SITE_URL:-http://127.0.0.1:$(PORT)} $(BIN)/python manage.py

## run: set up, migrate, load the demo newsroom and serve it at http://127.0.0.1:$(PORT)/
run: install
	$(DEV_MANAGE) migrate --no-input
	$(DEV_MANAGE) load_demo
	$(DEV_MANAGE) load_demo_desk
	$(DEV_MANAGE) runserver 127.0.0.1:$(PORT)

## worker: a Celery worker for the background work (needs CELERY_BROKER_URL or REDIS_URL; README "Background work")
worker: install
	$(BIN)/celery -A newsroom worker --loglevel INFO

## beat: the Celery scheduler for periodic housekeeping (run exactly one)
beat: install
	mkdir -p run
	$(BIN)/celery -A newsroom beat --loglevel INFO --schedule run/celerybeat-schedule

## test: set up and run the whole test suite
test: install-dev
	$(BIN)/python -m pytest $(PYTEST_ARGS)

## test-fast: the suite without the tests marked slow (real servers, browsers, callgrind, a PostgreSQL cluster)
test-fast: install-dev
	$(BIN)/python -m pytest -m "not slow" $(PYTEST_ARGS)

## bench-instructions: instructions per uncached render of each reader page under callgrind, beside the targets
## (BENCH_ARGS="--check" fails on a missed target; "--database-url postgres://… --stories 100000" measures PostgreSQL)
bench-instructions: install
	$(BIN)/python bench/instructions.py $(BENCH_ARGS)

## lint: ruff, and the import layers of docs/architecture.md (contracts in pyproject.toml)
lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: install-dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) staticfiles .pytest_cache
