# Anlan — the two commands: `make demo` and `make test` (both run `make install` first when needed).
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install demo test lint schema test-sqlite test-postgres clean

# Python keeps the bytecode it compiles (__pycache__, git-ignored) even where the environment says not to
# (container images often set PYTHONDONTWRITEBYTECODE=1). Without it every process compiles anlan's modules
# again (~0.5 s of CPU for each `anlan` command and each process a test starts) and pytest rewrites the
# asserts of every test file in each xdist worker (~8 s of CPU a worker, every run).
unexport PYTHONDONTWRITEBYTECODE

install: $(STAMP)

$(STAMP): pyproject.toml requirements.lock package.json package-lock.json
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c requirements.lock -e '.[dev]'
	npm ci --no-audit --no-fund --loglevel=error
	$(BIN)/python scripts/vendor_static.py
	ANLAN_DATA_DIR=var $(BIN)/anlan collectstatic --noinput --verbosity 0
	touch $(STAMP)

demo: install
	$(BIN)/anlan demo

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	@# Apps import only from the layers below them (pyproject.toml [tool.importlinter], ARCHITECTURE.md).
	$(BIN)/lint-imports --no-cache
	@# anlan check --fail-level WARNING, makemigrations --check and the published API schema (a change to the
	@# API must change docs/openapi.yaml too), in one Django process: scripts/django_checks.py.
	$(BIN)/python scripts/django_checks.py

schema: install
	$(BIN)/anlan spectacular --validate --fail-on-warn > docs/openapi.yaml

# Two workers for two cores; tests are handed out two at a time, the long ones first (tests/conftest.py),
# so both workers finish together.
XDIST := -n 2 --maxschedchunk=2

test-sqlite: install
	env -u DATABASE_URL $(BIN)/pytest $(XDIST) -q

# Every test that can behave differently on PostgreSQL; the sqlite_only ones would repeat the SQLite run
# exactly (tests/conftest.py, tests/README.md).
test-postgres: install
	$(BIN)/python scripts/with_postgres.py $(BIN)/pytest $(XDIST) -q -m "not sqlite_only"

test: lint test-sqlite test-postgres

clean:
	rm -rf $(VENV) node_modules staticfiles anlan/static/vendor
