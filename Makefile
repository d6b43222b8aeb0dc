# Renda: `make demo` sets up and starts the platform; `make test` sets up and runs every test.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
RENDA := $(VENV)/bin/renda
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: demo test setup lint format messages run clean bench-voting bench-budget bench-suggestions

$(VENV)/.installed: requirements.txt requirements-dev.txt pyproject.toml
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "需要 Python 3.11（$(PYTHON) 未找到）"; exit 1; }
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	$(PY) -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

setup: $(VENV)/.installed node_modules/.installed
	$(RENDA) i18n compile
	$(RENDA) migrate --noinput -v 0
	$(RENDA) collectstatic --noinput -v 0

demo: setup
	$(RENDA) demo --if-empty
	$(RENDA) serve --host 127.0.0.1 --port 8000

test: setup
	RENDA_TESTING=1 $(PY) -m pytest $(PYTEST_ARGS)

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check src tests bench
	$(VENV)/bin/ruff format --check src tests bench
	$(VENV)/bin/mypy src

format: $(VENV)/.installed
	$(VENV)/bin/ruff format src tests bench
	$(VENV)/bin/ruff check --fix src tests bench

# Refresh every app's zh_Hans catalogue from the code and templates (needs GNU gettext).
messages: $(VENV)/.installed
	for app in src/renda/*/; do [ -d $$app/locale ] && (cd $$app && ../../../$(RENDA) makemessages -l zh_Hans --no-obsolete --no-location -v 0); done; true

run: setup
	$(RENDA) serve

bench-voting: setup
	$(PY) bench/voting/run.py

bench-budget: setup
	$(PY) bench/budget/run.py

bench-suggestions: setup
	$(PY) bench/suggestions/run.py

clean:
	rm -rf $(VENV) node_modules var/static
