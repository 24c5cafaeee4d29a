# LegalAid Desktop — developer commands. `make run` and `make test` set up .venv on first use.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
DEMO_DIR ?= demo-data
export QT_QPA_PLATFORM ?= offscreen

.PHONY: setup run test lint format bench migration lock clean

setup: $(STAMP)

# Everything pinned with hashes in requirements.lock; the project itself is installed editable
# without touching the network again (hatchling comes from the lock too).
$(STAMP): requirements.lock pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	@# Pre-compile so that every later start is fast even where PYTHONDONTWRITEBYTECODE is set.
	@$(BIN)/python -m compileall -q -j 0 src $(VENV)/lib > /dev/null 2>&1 || true
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/python -m legalaid_desktop.devtools.demo_run --data-dir $(DEMO_DIR)

test: $(STAMP)
	$(BIN)/python -m pytest -q -p no:cacheprovider

lint: $(STAMP)
	$(BIN)/ruff check src tests bench scripts migrations
	$(BIN)/ruff format --check src tests bench scripts migrations
	$(BIN)/mypy

format: $(STAMP)
	$(BIN)/ruff format src tests bench scripts migrations
	$(BIN)/ruff check --fix src tests bench scripts migrations

bench: $(STAMP)
	@for b in bench/bench_*.py; do echo "== $$b"; $(BIN)/python $$b || exit 1; done

migration: $(STAMP)
	$(BIN)/python scripts/make_migration.py "$(MSG)"

lock: $(STAMP)
	$(BIN)/python -m pip install --quiet uv
	$(BIN)/uv pip compile pyproject.toml --extra dev --universal --generate-hashes --python-version 3.11 -o requirements.lock

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis
