# Two commands for a newcomer: `make run` and `make test`. Both create .venv and install first (the
# pinned requirements and the project itself).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cat requirements.txt pyproject.toml | cksum | cut -d' ' -f1)
DB ?= data/hotline.duckdb
PORT ?= 8501

.PHONY: install run demo test test-fast lint format bench clean

# The pinned requirements, then the project itself (editable: the hotline-etl, hotline-warehouse and
# hotline-report commands run this checkout from any directory).
$(STAMP): requirements.txt pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps -e .
	rm -f $(VENV)/.installed-*; touch $(STAMP)

install: $(STAMP)

# Loads the fictional demo city through the real ETL, but only into an empty warehouse.
demo: install
	$(PY) -m etl demo --out data/demo_exports --load-if-empty --db $(DB)

run: demo
	HOTLINE_DB=$(DB) $(VENV)/bin/streamlit run app.py --server.port $(PORT) --server.headless true

lint: install
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

format: install
	$(PY) -m ruff format .
	$(PY) -m ruff check --fix .

# The whole suite on every core (pytest-xdist): a test file stays on one worker, so its module fixtures
# (a browser server, a built city) are built once; each worker has its own temp dirs, demo warehouse and
# browser servers on free ports. Files go out in collection order (tests/conftest.py puts the browser
# files first), not xdist's default of most tests first, which left a browser file running alone at the end.
PYTEST_PARALLEL ?= -n auto --dist loadfile --no-loadscope-reorder

test: install lint
	$(PY) -m pytest $(PYTEST_PARALLEL)

# The quick loop while working: unit and data tests without the ones marked slow (large data, Spark);
# no AppTest, no browser. `make test` is still the one that counts.
test-fast: install
	$(PY) -m pytest $(PYTEST_PARALLEL) -m "not slow" tests/unit tests/data

# The scale benchmark (about 45 minutes on 2 cores: 1M, 3M and 10M orders; --huge adds 30M, about an hour
# more); writes docs/benchmarks.md. Bench-only
# extras (pandas baseline, pyspark) come from requirements-bench.txt.
bench: install
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-bench.txt
	$(PY) -m bench

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
