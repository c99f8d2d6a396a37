# The two commands a newcomer needs: `make run` and `make test`. Everything else supports them.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
HOST   ?= 127.0.0.1
PORT   ?= 8000

.PHONY: run test install test-sqlite test-postgres lock clean

$(STAMP): pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet -c requirements.lock -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

## Set everything up and serve the platform on SQLite with demo data at http://127.0.0.1:8000
run: install
	$(BIN)/basisbaan db upgrade
	$(BIN)/basisbaan demo
	BASISBAAN_DEMO_LOGIN=1 $(BIN)/gunicorn --bind $(HOST):$(PORT) --workers 2 --access-logfile - 'basisbaan:create_app()'

## Install what the tests need and run them all: SQLite always, PostgreSQL when reachable (required in CI)
test: install test-sqlite test-postgres

test-sqlite: install
	BASISBAAN_TEST_DB=sqlite $(BIN)/pytest

test-postgres: install
	@if $(BIN)/python -m tests.postgres_available; then \
		BASISBAAN_TEST_DB=postgresql $(BIN)/pytest; \
	elif [ "$$CI" = "true" ]; then \
		echo "PostgreSQL is required when CI=true but is not reachable (see BASISBAAN_TEST_POSTGRES_URL)." >&2; exit 1; \
	else \
		echo "PostgreSQL not reachable: the PostgreSQL pass did not run. Set BASISBAAN_TEST_POSTGRES_URL to run it."; \
	fi

## Re-resolve the pinned dependency set after changing pyproject.toml
lock: install
	$(BIN)/pip install --quiet pip-tools==7.6.2
	$(BIN)/pip-compile --quiet --extra test --strip-extras --no-emit-index-url --no-emit-find-links \
		-o requirements.lock pyproject.toml

clean:
	rm -rf $(VENV) instance .pytest_cache
