# LegalAid Desktop — developer commands. `make run` and `make test` set up .venv on first use.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
DEMO_DIR ?= demo-data

.PHONY: setup run test lint format bench fuzz migration lock i18n screenshots clean mutate mutate-quick \
	package package-check

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

# The suite runs over every core (pytest-xdist; a module's tests stay on one worker, so its
# module fixtures are built once). TEST_WORKERS=0 runs it in this process (for a debugger).
TEST_WORKERS ?= auto
test: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -q -p no:cacheprovider -n $(TEST_WORKERS) --dist loadscope

lint: $(STAMP)
	$(BIN)/ruff check src tests bench scripts migrations
	$(BIN)/ruff format --check src tests bench scripts migrations
	$(BIN)/mypy

format: $(STAMP)
	$(BIN)/ruff format src tests bench scripts migrations
	$(BIN)/ruff check --fix src tests bench scripts migrations

bench: $(STAMP)
	@for b in bench/bench_*.py; do echo "== $$b"; $(BIN)/python $$b || exit 1; done

# Coverage-guided fuzzing of the bundle and enrollment readers (atheris; Linux x86-64). Seeds are
# made from real stores and bundles into fuzz/.work (ignored by git); FUZZ_SECONDS is shared by
# the targets, run one after the other. Exits with 1 if any input raised an unexpected exception
# (kept in fuzz/.work/crashes/). See docs/testing.md.
FUZZ_SECONDS ?= 300
fuzz: $(STAMP)
	PYTHONPATH=src $(BIN)/python fuzz/run.py --seconds $(FUZZ_SECONDS)

# Mutation testing of the security and policy code (docs/testing.md, "Mutation testing"); too slow
# for every CI run. `make mutate` runs every module of scripts/mutate.py's TARGETS,
# `make mutate MODULES=src/legalaid_desktop/domain/roles.py` one (or several), and
# `make mutate-quick` (SINCE=main by default, or SINCE=HEAD~3) the targets a change touched.
mutate: $(STAMP)
	nice -n 10 $(BIN)/python scripts/mutate.py $(MODULES)

SINCE ?= main
mutate-quick: $(STAMP)
	nice -n 10 $(BIN)/python scripts/mutate.py --changed $(SINCE)

# Refresh the gettext catalogs: extract every _() string, merge into az/ru/en, compile the .mo
# files that ship in the package. Translate the new entries in resources/locale/*/ before commit
# (a test fails on untranslated or fuzzy entries).
LOCALES := az ru en
i18n: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg -k _ -k N_ -k ngettext:1,2 -k pgettext:1c,2 --no-wrap \
		--sort-by-file --project=LegalAid --copyright-holder="LegalAid Desktop" \
		-o resources/locale/legalaid.pot src
	for l in $(LOCALES); do $(BIN)/pybabel update -D legalaid -i resources/locale/legalaid.pot \
		-d resources/locale -l $$l --no-wrap --ignore-obsolete; done
	$(BIN)/pybabel compile -D legalaid -d resources/locale --statistics

# PNGs of every main screen with demo data, in every language (offscreen).
screenshots: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m legalaid_desktop.devtools.screenshots --out screenshots --lang all

# The frozen one-folder build (PyInstaller; packaging/README.md): dist/legalaid-desktop/ with the
# desktop program and the `legalaid` command, and on Linux the tarball a center unpacks,
# dist/legalaid-desktop-<version>-linux-<machine>.tar.gz. `make package-check` tries the BUILT
# program from a temporary folder with a clean environment and, as root, the checkout hidden
# (packaging/check.py; it also compiles the Windows installer script and asks the package index
# for the Windows wheels). Not part of `make test`; CI runs both after it (.ci/run).
package: $(STAMP)
	$(BIN)/python packaging/build.py

package-check: $(STAMP)
	$(BIN)/python packaging/check.py

migration: $(STAMP)
	$(BIN)/python scripts/make_migration.py "$(MSG)"

lock: $(STAMP)
	$(BIN)/python -m pip install --quiet uv
	$(BIN)/uv pip compile pyproject.toml --extra dev --universal --generate-hashes --python-version 3.11 -o requirements.lock

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis
