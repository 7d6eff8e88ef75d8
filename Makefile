# Two commands do all set-up on a fresh machine with Python 3.11+:
#   make validate   validate the repository's data package and print a summary
#   make test       lint and type-check the code (make lint), then run the whole test suite (with npm
#                   present, it first installs axe-core, the accessibility checker the browser tests
#                   load, from tests/browser/package-lock.json)
# and, after changing rows or schemas (the pre-commit hooks run these too):
#   make fmt        rewrite datasets/*.csv in canonical form
#   make docs       regenerate docs/coverage.md and docs/data-dictionary.md, which tests and pull requests check
# and, for the performance figures in the README:
#   make bench      install the package as users get it (no test extras) and run benchmarks/run.py,
#                   which prints the table of the four performance targets (about 20 minutes)
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
BENCH := .venv-bench

.PHONY: validate test lint fmt docs bench clean world-shapes

$(BIN)/nkl-data: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

validate: $(BIN)/nkl-data
	$(BIN)/nkl-data validate datapackage.json

AXE := tests/browser/node_modules/axe-core/axe.min.js
NPM := $(shell command -v npm 2>/dev/null)

$(AXE): tests/browser/package.json tests/browser/package-lock.json
	npm ci --prefix tests/browser --no-audit --no-fund --silent
	touch $@

test: lint $(if $(NPM),$(AXE))
	$(BIN)/python -m pytest

lint: $(BIN)/nkl-data
	$(BIN)/ruff check src tests benchmarks tools
	$(BIN)/ruff format --check src tests benchmarks tools
	$(BIN)/mypy

fmt: $(BIN)/nkl-data
	$(BIN)/nkl-data fmt .

docs: $(BIN)/nkl-data
	$(BIN)/nkl-data coverage .
	$(BIN)/nkl-data dictionary .

bench:
	$(PYTHON) -m venv $(BENCH)
	$(BENCH)/bin/python -m pip install --quiet --upgrade pip
	$(BENCH)/bin/python -m pip install --quiet .
	$(BENCH)/bin/python benchmarks/run.py --runs 9 --frictionless-runs 3 --scaling-runs 5 --quiet-load 0.7

clean:
	rm -rf $(VENV) $(BENCH) build dist tests/browser/node_modules

# The map's country shapes (src/nkl_data/publish/world.json) from Natural Earth via the npm package
# world-atlas; see tools/world_shapes.py. Needs npm; run it only to change the shapes.
WORLD_ATLAS := world-atlas@2.0.2
world-shapes: $(BIN)/nkl-data
	rm -rf build/world-atlas
	npm install --silent --no-audit --no-fund --prefix build/world-atlas $(WORLD_ATLAS)
	$(BIN)/python tools/world_shapes.py build/world-atlas/node_modules/world-atlas > src/nkl_data/publish/world.json
