# The two commands a fresh machine needs: `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
export TF_CPP_MIN_LOG_LEVEL := 2
export PYTHONWARNINGS := ignore::DeprecationWarning

.PHONY: demo test test-all bench clean chromium

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

## make test: create .venv if needed, install with dev extras, run every test not marked slow in
## $(TEST_WORKERS) processes (pytest-xdist; each test module stays in one process, so its fixtures are
## built once): about 12 minutes on 2 cores, 18 in one process (TEST_WORKERS=0); GridSearchCV over
## lattice models included. `make test-all` adds the slow ones
TEST_WORKERS ?= 2
test: $(VENV)/.installed-dev chromium
	$(PY) -m pytest -q -m "not slow" -n $(TEST_WORKERS) --dist loadscope

## headless Chromium for the report's browser test: installed with apt when missing and apt is
## usable (root, or passwordless sudo); otherwise that one test skips and says why
chromium:
	@command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || { \
	  if command -v apt-get >/dev/null 2>&1; then \
	    if [ "$$(id -u)" = 0 ]; then SUDO=; elif sudo -n true 2>/dev/null; then SUDO="sudo -n"; else SUDO=none; fi; \
	    if [ "$$SUDO" != none ]; then \
	      echo "installing chromium (apt) for the report's browser test"; \
	      $$SUDO apt-get update -qq >/dev/null 2>&1 || true; \
	      DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null 2>&1 \
	        || echo "warning: apt could not install chromium; the browser test will skip"; \
	    else echo "note: no root/sudo for apt; the browser test will skip"; fi; \
	  else echo "note: no apt-get; the browser test will skip"; fi; }

## everything: `make test` plus the tests marked slow (scikit-learn's estimator checks on the Bayesian
## estimators, NUTS and longer random-spec property runs, Bayesian report/drift/compare, a Dask cluster)
test-all: $(VENV)/.installed-dev
	$(PY) -m pytest -q -n $(TEST_WORKERS) --dist loadscope

## benchmarks (long): see benchmarks/RESULTS.md
bench: $(VENV)/.installed-dev
	$(PY) -m pip install --quiet -e ".[bench]" || echo "pyGAM did not install: the suite runs without it"
	$(PY) benchmarks/run_published_splits.py

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis build *.egg-info
