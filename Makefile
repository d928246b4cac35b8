# prioritizer task runner. Every target sets itself up from nothing but Python >= 3.11.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-dev
SCENARIO ?= scenarios/retail_bank/scenario.yaml

.PHONY: help setup demo test test-fast lint format bench readme clean

help:
	@echo "make demo   - set up and solve the bundled retail-bank example"
	@echo "make test   - set up and run the whole test suite"
	@echo "make lint   - ruff (lint + format check) and mypy"
	@echo "make bench  - run the benchmark suite and print its table (then the load benchmark)"

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	@touch $(STAMP)

setup: $(STAMP)

demo: $(STAMP)
	$(BIN)/prioritizer validate $(SCENARIO)
	$(BIN)/prioritizer solve $(SCENARIO)

test: $(STAMP)
	$(BIN)/python -m pytest

test-fast: $(STAMP)
	$(BIN)/python -m pytest -m "not slow"

lint: $(STAMP)
	$(BIN)/ruff check prioritizer tests
	$(BIN)/ruff format --check prioritizer tests
	$(BIN)/mypy

format: $(STAMP)
	$(BIN)/ruff format prioritizer tests
	$(BIN)/ruff check --fix prioritizer tests

bench: $(STAMP)
	$(BIN)/python -m pip install --quiet -e ".[bench]"
	$(BIN)/python -m benchmarks.run
	$(BIN)/python -m benchmarks.evidence
	$(BIN)/python -m benchmarks.roadmap
	$(BIN)/python -m benchmarks.load

readme: $(STAMP)
	$(BIN)/cog -r README.md

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis build *.egg-info
