# Two commands from a fresh clone:  `make run` (set up, build the seed debate and report on it)
# and `make test` (set up and run the test suite). Everything installs into .venv.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test lint setup browser virtuoso bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[test]"
	touch $(STAMP)

setup: $(STAMP)

run: $(STAMP)
	$(BIN)/kg build data
	$(BIN)/kg check
	$(BIN)/kg trace --all
	$(BIN)/kg viz --all -o out/
	@echo "views: open out/full.html, out/arguments.html or out/actors.html in a browser (they work offline)"

# Debian's chromium for the browser tests of 'kg viz' (apt-get, only when /usr/bin/chromium is missing).
browser:
	scripts/install-browser.sh

# Debian's Virtuoso for the remote-store tests (apt-get, only when virtuoso-t is missing).
virtuoso:
	scripts/install-virtuoso.sh

test: $(STAMP) browser virtuoso
	$(BIN)/ruff check kg tests
	$(BIN)/mypy
	$(BIN)/pytest -q

# The 1M-triple benchmark of README's table (about 6 minutes on 2 cores).
bench: $(STAMP)
	$(BIN)/kg bench --triples 1000000 --out bench.json

lint: $(STAMP)
	$(BIN)/ruff check kg tests
	$(BIN)/mypy

clean:
	rm -rf .kg out $(VENV)
