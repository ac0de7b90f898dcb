# riskcabinet: two commands for a bare machine with Python 3.11.
#   make run   install, migrate, seed the demo city if empty, serve on http://127.0.0.1:8000
#   make test  install the dev tools and run every check

PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
MANAGE := $(PY) manage.py
TEST_POSTGRES_URL ?= postgres://riskcabinet:riskcabinet@127.0.0.1:5432/riskcabinet

.PHONY: run test install install-dev prepare lint pytest pytest-postgres bench clean

$(PY):
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Python 3.11 is needed (set PYTHON=/path/to/python3.11)."; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e .
	@touch $@

$(VENV)/.installed-dev: pyproject.toml package-lock.json | $(PY)
	$(PY) -m pip install --quiet -e '.[dev]'
	npm ci --no-audit --no-fund --silent
	@touch $(VENV)/.installed $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

# Translations are compiled and the narrative coder trained when missing (a fresh clone has neither).
prepare:
	$(MANAGE) compile_translations
	$(PY) -m riskcabinet.autocode train --if-missing

run: install prepare
	$(MANAGE) migrate --no-input
	$(MANAGE) seed_demo --if-empty
	@echo ""
	@echo "riskcabinet is starting at http://127.0.0.1:8000"
	@echo "Demo logins, password riskcabinet-demo for all:"
	@echo "  employee  (files and follows reports)    officer  (safety officer, triage)"
	@echo "  manager   (risk manager, all departments) cabinet  (cabinet member, dashboard and packets)"
	@echo "  admin     (administrator, /admin/)        sup.lasan (supervisor, My actions)"
	@echo ""
	$(MANAGE) runserver 127.0.0.1:8000

test: install-dev prepare lint pytest pytest-postgres

lint:
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	DJANGO_SETTINGS_MODULE=riskcabinet.settings.test $(MANAGE) makemigrations --check --dry-run

# The whole suite on the embedded SQLite database (tests that need the suite's database to be
# PostgreSQL run in the next pass).
pytest:
	$(BIN)/pytest -m "not postgresql"

# The database tests again on PostgreSQL. Browser, integration and slow tests already ran above
# (the integration tests start or reach their own PostgreSQL, Redis and Celery).
# Outside CI, a machine without PostgreSQL skips this pass with a warning (CI never does).
pytest-postgres:
	@if $(PY) -m tests.service_check postgres "$(TEST_POSTGRES_URL)"; then \
		DATABASE_URL=$(TEST_POSTGRES_URL) $(BIN)/pytest -p no:cacheprovider \
			-m "(not browser and not integration and not slow) or postgresql"; \
	elif [ -n "$$CI" ]; then echo "PostgreSQL is not reachable at $(TEST_POSTGRES_URL)"; exit 1; \
	else echo "WARNING: PostgreSQL is not reachable; the PostgreSQL pass was not run (run .ci/services.sh as root)."; fi

# Benchmarks print their figures; bench/intake.py and bench/triage.py also need PostgreSQL.
bench: install-dev prepare
	$(MANAGE) migrate --no-input
	$(MANAGE) seed_demo --if-empty
	PYTHONPATH=. $(PY) bench/seed_demo.py
	PYTHONPATH=. $(PY) bench/scoring.py
	PYTHONPATH=. $(PY) bench/autocode.py
	PYTHONPATH=. $(PY) bench/packet_pdf.py
	PYTHONPATH=. $(PY) bench/packet.py
	PYTHONPATH=. $(PY) bench/intake.py
	PYTHONPATH=. $(PY) bench/triage.py

clean:
	rm -rf $(VENV) var staticfiles .pytest_cache .ruff_cache
