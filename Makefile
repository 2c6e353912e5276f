# Two commands do all set-up:  `make run` (build everything on the shipped samples) and `make test`.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test install ui clean

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "need $(PYTHON) (Python 3.11) on PATH, or run: make PYTHON=/path/to/python3.11"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(BIN)/bagel-data build

test: $(STAMP)
	$(BIN)/python -m pytest bagel_data_tests

ui: $(STAMP)
	DAGSTER_HOME=$(CURDIR) $(BIN)/dagster dev

clean:
	rm -rf data/normalized data/benchmarks data/decontam data/output data/bagel.duckdb data/dagster_home/storage
