# The two commands a fresh machine needs: `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
export TF_CPP_MIN_LOG_LEVEL := 2
export PYTHONWARNINGS := ignore::DeprecationWarning

.PHONY: demo test test-all bench clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $@ $(VENV)/.installed

## make demo: create .venv, install, fit the constrained model on bundled Auto MPG
demo: $(VENV)/.installed
	$(PY) -m priorml.demo

## make test: create .venv if needed, install with dev extras, run the suite (about 15 minutes on
## 2 cores; tests marked slow are left out: run them with `make test-all`)
test: $(VENV)/.installed-dev
	$(PY) -m pytest -q -m "not slow"

## everything, including the slow tests (Bayesian sklearn checks, long property runs)
test-all: $(VENV)/.installed-dev
	$(PY) -m pytest -q

## benchmarks (long): see benchmarks/RESULTS.md
bench: $(VENV)/.installed
	$(PY) benchmarks/run_published_splits.py

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis build *.egg-info
