# Two commands do all set-up on a fresh machine with Python 3.11+:
#   make validate   validate the repository's data package and print a summary
#   make test       run the whole test suite
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: validate test clean

$(BIN)/nkl-data: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

validate: $(BIN)/nkl-data
	$(BIN)/nkl-data validate datapackage.json

test: $(BIN)/nkl-data
	$(BIN)/python -m pytest

clean:
	rm -rf $(VENV) build dist
