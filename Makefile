# Two commands on a fresh machine with python3 (3.11+) and make:
#   make demo   set up .venv from the lock and run the main job
#   make test   set up .venv with the dev extras, then lint, type-check and test
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PIP := $(BIN)/python -m pip --disable-pip-version-check -q

.PHONY: demo test lint typecheck pytest bench lock clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.runtime: requirements/runtime.lock pyproject.toml | $(BIN)/python
	$(PIP) install --require-hashes -r requirements/runtime.lock
	$(PIP) install --no-deps --no-build-isolation -e .
	touch $@

$(VENV)/.dev: requirements/dev.lock pyproject.toml | $(BIN)/python
	$(PIP) install --require-hashes -r requirements/dev.lock
	$(PIP) install --no-deps --no-build-isolation -e .
	touch $@ $(VENV)/.runtime

demo: $(VENV)/.runtime
	$(BIN)/aiattest demo $(DEMO_ARGS)

lint: $(VENV)/.dev
	$(BIN)/ruff format --check src tests bench
	$(BIN)/ruff check src tests bench
	$(BIN)/mypy --strict src

pytest: $(VENV)/.dev
	$(BIN)/pytest $(PYTEST_ARGS)

test: lint pytest

# Benchmark peers (Presidio, its spaCy model, detect-secrets) live in their own lock.
$(VENV)/.bench: requirements/bench.lock $(VENV)/.dev
	$(PIP) install --require-hashes -r requirements/bench.lock
	touch $@

bench: $(VENV)/.bench
	$(BIN)/python -m bench $(BENCH_ARGS)

# Maintainers: regenerate the pinned, hashed lock files after changing pyproject.toml.
lock:
	uv pip compile --quiet --python-version 3.11 --generate-hashes --universal \
		pyproject.toml requirements/build.in --extra server --extra reports -o requirements/runtime.lock
	uv pip compile --quiet --python-version 3.11 --generate-hashes --universal \
		pyproject.toml requirements/build.in --extra dev -o requirements/dev.lock

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
