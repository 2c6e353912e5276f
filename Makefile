# Two commands do all set-up:  `make run` (build everything on the shipped samples) and `make test`.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test install ui ui-test clean

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

# The Dagster UI on http://127.0.0.1:3000 (PORT=..., HOST=... to change): webserver + daemon over
# one code server (bagel_data/ui.py; `dagster dev` is superseded in Dagster 1.13). Ctrl-C stops all of it.
HOST ?= 127.0.0.1
PORT ?= 3000
ui: $(STAMP)
	DAGSTER_HOME=$(CURDIR) $(BIN)/python -m bagel_data.ui --host $(HOST) --port $(PORT)

# The browser test alone (headless Debian chromium); SCREENSHOTS=docs also rewrites the README's screenshots.
ui-test: $(STAMP)
	BAGEL_DATA_UI_SCREENSHOTS=$(SCREENSHOTS) $(BIN)/python -m pytest bagel_data_tests/test_browser.py -m browser

clean:
	rm -rf data/normalized data/benchmarks data/decontam data/output data/bagel.duckdb data/dagster_home/storage
