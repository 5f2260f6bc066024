# Partner Portal — `make run` serves the demo on the embedded default, `make test` runs everything.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
RUN_STAMP := $(VENV)/.run-deps
TEST_STAMP := $(VENV)/.test-deps
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: run test smoke lint format services chromium gettext xmlsec messages worker beat clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(RUN_STAMP): pyproject.toml | $(BIN)/python xmlsec
	$(BIN)/pip install --quiet .
	touch $@

$(TEST_STAMP): pyproject.toml | $(BIN)/python xmlsec
	$(BIN)/pip install --quiet ".[test]"
	touch $@ $(RUN_STAMP)

## run: migrate, load demo data once and serve http://127.0.0.1:8000 on SQLite, no services needed
run: $(RUN_STAMP) messages
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo --if-empty
	$(BIN)/python manage.py runserver 127.0.0.1:8000

## test: install what the tests need, check the services, lint, run the whole suite on PostgreSQL,
## then the smoke tests again on the embedded default
test: $(TEST_STAMP) chromium services lint messages
	$(BIN)/pytest
	$(MAKE) --no-print-directory smoke

## smoke: every page and API endpoint on the embedded default that `make run` uses (SQLite, tasks
## in-process, no services): without pytest-env and these variables, settings see what a newcomer has
smoke: $(TEST_STAMP)
	env -u DATABASE_URL -u REDIS_URL -u BROKER_URL -u CELERY_BROKER_URL -u CACHE_URL \
	  -u CELERY_TASK_ALWAYS_EAGER -u EMAIL_URL $(BIN)/pytest -p no:env -m smoke

lint: $(TEST_STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache

format: $(TEST_STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

services: $(RUN_STAMP)
	$(BIN)/python scripts/check_services.py

chromium:
	@command -v chromium >/dev/null || { \
	  echo "Installing Debian's chromium for the browser tests…"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null; }

## messages: compile the translation catalogs (locale/*/LC_MESSAGES/django.po → .mo, not committed)
messages: $(RUN_STAMP) gettext
	$(BIN)/python manage.py compilemessages --ignore=$(VENV) --ignore=var

gettext:
	@command -v msgfmt >/dev/null || { \
	  echo "Installing gettext (msgfmt) to compile the translations…"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq gettext >/dev/null; }

## xmlsec: Debian's XML security library, which the xmlsec package (SAML sign-in) builds against
xmlsec:
	@pkg-config --exists xmlsec1 2>/dev/null || { \
	  echo "Installing libxmlsec1-dev to build xmlsec for SAML sign-in…"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq \
	    gcc pkg-config libxml2-dev libxmlsec1-dev libxmlsec1-openssl >/dev/null; }

## worker / beat: the background processes, by hand (needs BROKER_URL or REDIS_URL)
worker: $(RUN_STAMP)
	$(BIN)/celery -A portal worker --loglevel=INFO

beat: $(RUN_STAMP)
	$(BIN)/celery -A portal beat --loglevel=INFO

clean:
	rm -rf $(VENV) var .pytest_cache
