# Two commands for a newcomer: `make run` and `make test`. Both create .venv and install first (the
# pinned requirements and the project itself).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cat requirements.txt pyproject.toml | cksum | cut -d' ' -f1)
DB ?= data/hotline.duckdb
PORT ?= 8501

.PHONY: install run demo test lint format bench clean

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

test: install lint
	$(PY) -m pytest

# The scale benchmark (about 20 minutes: 1M and 10M orders); writes docs/benchmarks.md. Bench-only
# extras (pandas baseline, pyspark) come from requirements-bench.txt.
bench: install
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-bench.txt
	$(PY) -m bench

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
