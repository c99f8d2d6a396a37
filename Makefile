# The two commands a newcomer needs: `make run` and `make test`. Everything else supports them.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
NODE_STAMP := node_modules/.installed-stamp
CATALOGS := $(patsubst %.po,%.mo,$(wildcard platform/basisbaan/translations/*/LC_MESSAGES/messages.po))
HOST   ?= 127.0.0.1
PORT   ?= 8000

.PHONY: run test install test-sqlite test-postgres browser lock translations clean

$(STAMP): pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet -c requirements.lock -e '.[test]'
	touch $(STAMP)

# NL Design System CSS and Redoc for the pages; oidc-provider and axe-core for the tests.
$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $(NODE_STAMP)

%.mo: %.po $(STAMP)
	$(BIN)/pybabel compile --statistics -i $< -o $@

install: $(STAMP) $(NODE_STAMP) $(CATALOGS)

## Set everything up and serve the platform on SQLite with demo data at http://127.0.0.1:8000
run: install
	$(BIN)/basisbaan db upgrade
	$(BIN)/basisbaan demo
	BASISBAAN_DEMO_LOGIN=1 $(BIN)/gunicorn --config gunicorn.conf.py --bind $(HOST):$(PORT) 'basisbaan:create_app()'

## Install what the tests need and run them all: SQLite always, PostgreSQL when reachable (required in CI)
test: install browser test-sqlite test-postgres

browser:
	@scripts/ensure-chromium.sh

test-sqlite: install
	BASISBAAN_TEST_DB=sqlite $(BIN)/pytest

# The browser tests exercise the pages, not the database: they run once, in the SQLite pass.
test-postgres: install
	@if $(BIN)/python -m tests.postgres_available; then \
		BASISBAAN_TEST_DB=postgresql $(BIN)/pytest -m "not browser"; \
	elif [ "$$CI" = "true" ]; then \
		echo "PostgreSQL is required when CI=true but is not reachable (see BASISBAAN_TEST_POSTGRES_URL)." >&2; exit 1; \
	else \
		echo "PostgreSQL not reachable: the PostgreSQL pass did not run. Set BASISBAAN_TEST_POSTGRES_URL to run it."; \
	fi

## Re-extract the interface texts after changing templates or code, then translate the new ones
translations: install
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -k N_ -o platform/basisbaan/translations/messages.pot .
	$(BIN)/pybabel update -i platform/basisbaan/translations/messages.pot -d platform/basisbaan/translations

## Re-resolve the pinned dependency set after changing pyproject.toml
lock: install
	$(BIN)/pip install --quiet pip-tools==7.6.2
	$(BIN)/pip-compile --quiet --extra test --strip-extras --no-emit-index-url --no-emit-find-links \
		-o requirements.lock pyproject.toml

clean:
	rm -rf $(VENV) node_modules instance .pytest_cache test-output
	find platform -name '*.mo' -delete
