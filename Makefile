# The two set-up commands of the README work on a fresh machine: each installs first.
PYTHON ?= python3
PIP_INSTALL = $(PYTHON) -m pip install --quiet --disable-pip-version-check

.PHONY: install report build test lint format notebooks bench clean

install:
	$(PIP_INSTALL) -e ".[dev,notebooks]"

# The main job on the bundled sample data: every table, figure and the HTML report.
report: install
	$(PYTHON) -m analysis report

build: install
	$(PYTHON) -m analysis build

# Lint, then every test (notebooks included).
test: install
	$(PYTHON) -m ruff check src tests benchmarks notebooks
	$(PYTHON) -m ruff format --check src tests benchmarks notebooks
	$(PYTHON) -m pytest

lint:
	$(PYTHON) -m ruff check src tests benchmarks notebooks

format:
	$(PYTHON) -m ruff format src tests benchmarks notebooks
	$(PYTHON) -m ruff check --fix src tests benchmarks notebooks

# Regenerate the .ipynb files from their jupytext pairs (outputs stripped).
notebooks:
	cd notebooks && for f in *.py; do $(PYTHON) -m jupytext --to ipynb --update "$$f"; done

bench:
	$(PYTHON) benchmarks/bench_build.py --chars 2000000

clean:
	rm -rf data/processed/* figures/*
	touch data/processed/.gitkeep figures/.gitkeep
