# The two set-up commands of the README work on a fresh machine: each installs first.
#
# Where things are installed: inside an active virtual environment ($VIRTUAL_ENV) or
# conda environment ($CONDA_PREFIX), into that one; otherwise into the project's own
# .venv, made here with `python3 -m venv`. Nothing is ever installed into the
# system's Python (Debian's and Ubuntu's refuse it anyway, PEP 668).
#
# The install is quiet: pip's output goes to build/install.log, and it runs again only
# when pyproject.toml changed (or the environment is new); `make reinstall` forces it.

# The Python that makes .venv (any 3.10 or newer).
PYTHON ?= python3
VENV ?= .venv

ACTIVE_ENV := $(or $(VIRTUAL_ENV),$(CONDA_PREFIX))
ifneq ($(ACTIVE_ENV),)
ENV_DIR := $(ACTIVE_ENV)
ENV_MADE :=
else
ENV_DIR := $(VENV)
ENV_MADE := $(VENV)/pyvenv.cfg
endif
# The environment's own Python, whatever python3 is on PATH.
PY := $(ENV_DIR)/bin/python
INSTALL_LOG := build/install.log
# One stamp per environment, so that switching environments installs into the new one.
STAMP := build/install-$(shell printf '%s' '$(abspath $(ENV_DIR))' | cksum | cut -d' ' -f1).stamp
EXTRAS := dev,notebooks
PIP_INSTALL = $(PY) -m pip install --disable-pip-version-check

.PHONY: install reinstall env report build test lint format notebooks bench clean

install: $(STAMP)

reinstall:
	rm -f $(STAMP)
	@$(MAKE) --no-print-directory install

# The project's environment, made only when none is active.
$(VENV)/pyvenv.cfg:
	@echo "making the project's environment $(VENV) with $$(command -v $(PYTHON)) ($$($(PYTHON) --version 2>&1))"
	@mkdir -p build
	@$(PYTHON) -m venv $(VENV) >$(INSTALL_LOG) 2>&1 || { \
	  cat $(INSTALL_LOG); rm -rf $(VENV); \
	  echo "error: '$(PYTHON) -m venv $(VENV)' failed (log: $(INSTALL_LOG))."; \
	  echo "On Debian or Ubuntu: sudo apt install python3-venv; or run make inside an active venv or conda environment."; \
	  exit 1; }

$(STAMP): pyproject.toml $(ENV_MADE)
	@mkdir -p build
	@echo "installing the package with its tools ($(EXTRAS)) into $(ENV_DIR); pip's output: $(INSTALL_LOG)"
	@$(PIP_INSTALL) -e ".[$(EXTRAS)]" >$(INSTALL_LOG) 2>&1 || { \
	  tail -n 25 $(INSTALL_LOG); \
	  echo "error: installing into $(ENV_DIR) failed; the whole log is $(INSTALL_LOG)"; \
	  exit 1; }
	@touch $@
	@echo "installed: $$($(PY) --version 2>&1) in $(ENV_DIR)"

# Where the environment is, and how to use it afterwards.
env: install
	@echo "environment: $(ENV_DIR)"
	@echo "use it: $(PY) -m analysis report   (or: source $(ENV_DIR)/bin/activate)"

# The main job on the bundled sample data: every table, figure and the HTML report.
report: install
	$(PY) -m analysis report

build: install
	$(PY) -m analysis build

# Lint, then every test (notebooks included).
test: install
	$(PY) -m ruff check src tests benchmarks notebooks
	$(PY) -m ruff format --check src tests benchmarks notebooks
	$(PY) -m pytest

lint: install
	$(PY) -m ruff check src tests benchmarks notebooks

format: install
	$(PY) -m ruff format src tests benchmarks notebooks
	$(PY) -m ruff check --fix src tests benchmarks notebooks

# Regenerate the .ipynb files from their jupytext pairs (outputs stripped).
notebooks: install
	cd notebooks && for f in *.py; do $(abspath $(PY)) -m jupytext --to ipynb --update "$$f"; done

bench: install
	$(PY) benchmarks/bench_build.py --chars 2000000

clean:
	rm -rf data/processed/* figures/*
	touch data/processed/.gitkeep figures/.gitkeep
