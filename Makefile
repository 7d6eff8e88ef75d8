# Two commands do all set-up on a fresh machine with Python 3.11+:
#   make validate   validate the repository's data package and print a summary
#   make test       run the whole test suite
# and, after changing rows or schemas (the pre-commit hooks run these too):
#   make fmt        rewrite datasets/*.csv in canonical form
#   make docs       regenerate docs/coverage.md and docs/data-dictionary.md, which tests and pull requests check
# and, for the performance figures in the README (a few minutes):
#   make bench      install the package as users get it (no test extras) and run benchmarks/run.py
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
BENCH := .venv-bench

.PHONY: validate test fmt docs bench clean

$(BIN)/nkl-data: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

validate: $(BIN)/nkl-data
	$(BIN)/nkl-data validate datapackage.json

test: $(BIN)/nkl-data
	$(BIN)/python -m pytest

fmt: $(BIN)/nkl-data
	$(BIN)/nkl-data fmt .

docs: $(BIN)/nkl-data
	$(BIN)/nkl-data coverage .
	$(BIN)/nkl-data dictionary .

bench:
	$(PYTHON) -m venv $(BENCH)
	$(BENCH)/bin/python -m pip install --quiet --upgrade pip
	$(BENCH)/bin/python -m pip install --quiet .
	$(BENCH)/bin/python benchmarks/run.py --runs 9 --frictionless-runs 3

clean:
	rm -rf $(VENV) $(BENCH) build dist
