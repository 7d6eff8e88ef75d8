# Two commands do all set-up on a fresh machine with Python 3.11+:
#   make validate   validate the repository's data package and print a summary
#   make test       run the whole test suite
# and, for the performance figures in the README:
#   make bench      install the package as users get it (no test extras) and run benchmarks/run.py,
#                   which prints the table of the four performance targets (about 20 minutes)
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
BENCH := .venv-bench

.PHONY: validate test bench clean

$(BIN)/nkl-data: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

validate: $(BIN)/nkl-data
	$(BIN)/nkl-data validate datapackage.json

test: $(BIN)/nkl-data
	$(BIN)/python -m pytest

bench:
	$(PYTHON) -m venv $(BENCH)
	$(BENCH)/bin/python -m pip install --quiet --upgrade pip
	$(BENCH)/bin/python -m pip install --quiet .
	$(BENCH)/bin/python benchmarks/run.py --runs 9 --frictionless-runs 3 --scaling-runs 5

clean:
	rm -rf $(VENV) $(BENCH) build dist
