# The two commands a newcomer needs: `make run` and `make test`. Everything else supports them.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
NODE_STAMP := node_modules/.installed-stamp
CATALOGS := $(patsubst %.po,%.mo,$(wildcard platform/basisbaan/translations/*/LC_MESSAGES/messages.po))
HOST   ?= 127.0.0.1
PORT   ?= 8000

.PHONY: run test install pdf-libs test-sqlite test-postgres browser lock translations clean

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

install: $(STAMP) $(NODE_STAMP) $(CATALOGS) pdf-libs

# WeasyPrint (PDF reports) loads Pango, HarfBuzz and fontconfig from the system and needs a font. On Debian
# or Ubuntu the missing ones are installed with apt-get (as root, or with sudo without a password); elsewhere
# this says what to install. With CI=true a missing library is an error.
PDF_LIBS := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core
pdf-libs:
	@if ! command -v dpkg-query >/dev/null 2>&1; then \
		$(BIN)/python -c "import weasyprint" 2>/dev/null || { \
			echo "WeasyPrint cannot load Pango: install pango (e.g. brew install pango) for PDF reports." >&2; \
			if [ "$$CI" = "true" ]; then exit 1; fi; }; \
		exit 0; \
	fi; \
	missing=""; \
	for pkg in $(PDF_LIBS); do \
		dpkg-query -W -f='$${Status}' $$pkg 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$pkg"; \
	done; \
	if [ -z "$$missing" ]; then exit 0; fi; \
	if [ "$$(id -u)" = "0" ]; then sudo=""; \
	elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then sudo="sudo"; \
	else \
		echo "PDF reports need:$$missing; install them with: sudo apt-get install$$missing" >&2; \
		if [ "$$CI" = "true" ]; then exit 1; fi; exit 0; \
	fi; \
	echo "Installing the libraries WeasyPrint needs for PDF reports (apt-get):$$missing"; \
	DEBIAN_FRONTEND=noninteractive $$sudo apt-get update -qq && \
	DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq --no-install-recommends $$missing >/dev/null

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
