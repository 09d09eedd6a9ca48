# Two commands for a fresh clone: `make demo` and `make test`. Both create .venv and install.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
# uv installs the project into the venv: the same versions pip resolves, in ~7 s instead of ~70
# (measured on a fresh clone, 2026-12-06; CI installs on every run)
INSTALL := $(BIN)/uv pip install --python $(BIN)/python

.PHONY: catalogs install demo test lint typecheck unit rules-coverage histories bench-ledger bench-cycle bench-checkpoint bench-audit bench-attestation bench-startup bench-scale chaos clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "intersessional needs Python >= 3.11; set PYTHON=python3.11 or newer")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet 'uv>=0.13,<1'
	$(INSTALL) --quiet -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/intersessional demo

lint: $(STAMP)
	$(BIN)/ruff check .

typecheck: $(STAMP)
	$(BIN)/mypy

# pytest-xdist: WORKERS processes, each a module's tests at a time (--dist loadscope: a module
# starts its `intersessional dev` or API server once, on one worker), each worker with its own
# temporary directories, ports and PostgreSQL database (tests/conftest.py, tests/ports.py,
# tests/backends.py). Four, whatever the machine: the tests mostly wait on the processes they
# start, so on 2 cores four workers finish sooner than two (measured: 170-212 s against
# 186-216 s), and more would not help, the longest modules taking 30-40 s on their own.
# `make unit WORKERS=0` runs in one process; `.venv/bin/pytest tests/x.py` too. The 25 slowest
# tests are listed after the run: CI's log then says where its time went.
WORKERS ?= 4

unit: $(STAMP)
	$(BIN)/pytest -n $(WORKERS) --dist loadscope --no-loadscope-reorder --durations=25

# ruff and mypy beside pytest, their output line by line among its own; `make test` fails when
# any of the three fails (make waits for the others to finish first).
test: $(STAMP)
	@$(MAKE) --no-print-directory -j3 --output-sync=line lint typecheck unit

rules-coverage: $(STAMP)
	$(BIN)/python scripts/rules_coverage.py --write docs/RULES-COVERAGE.md

# Golden workflow histories replayed by `make test`; record anew only for an intended change.
histories: $(STAMP)
	$(BIN)/python scripts/record_histories.py

# The ledger's benchmark against eventsourcing (the `bench` extra), measured in the same run.
# Not part of `make test`. About five minutes; `$(BIN)/python bench/ledger.py --quick` for a smoke run.
bench-ledger: $(STAMP)
	@$(BIN)/python -c 'import eventsourcing' 2>/dev/null || $(INSTALL) --quiet -e '.[dev,bench]'
	$(BIN)/python bench/ledger.py

# Whole cycles under load: 50 concurrent years on the embedded dev server, with the ledger and
# with a no-op recording, in the same run: first saturated (people step the moment they may),
# then paced (people pause 2 s on average between steps). Not part of `make test`. About five
# minutes; `$(BIN)/python bench/cycle.py --quick` for a smoke run.
bench-cycle: $(STAMP)
	$(BIN)/python bench/cycle.py
	$(BIN)/python bench/cycle.py --think 2

# What closing a year costs the ledger by its size: take_checkpoint at 10,000 and at 1,000,000
# events beside a year's appends, in the same run. Not part of `make test`. About three minutes;
# `$(BIN)/python bench/checkpoint.py --quick` for 200,000 events.
bench-checkpoint: $(STAMP)
	$(BIN)/python bench/checkpoint.py

# The audit over 1,000,000 events: verify, export, verify-bundle and replay --as-of, each beside
# a floor measured in the same run. Not part of `make test`. About three minutes;
# `$(BIN)/python bench/audit.py --quick` for a smoke run.
bench-audit: $(STAMP)
	$(BIN)/python bench/audit.py

# What attesting a step costs (sign, verify twice, bind three times, one more row) beside a
# durable append of the same event, measured in the same run. About half a minute.
bench-attestation: $(STAMP)
	$(BIN)/python bench/attestation.py

# Scale figures a secretariat can plan with (issue 23): the worker's memory with 1,000 open
# streams (cycles, coalitions, silence procedures) beside the same worker idle and a bare
# temporalio worker, and `audit report` over 20 years of a convention (10 coalitions a year)
# beside one year's report, in the same run. About five minutes;
# `$(BIN)/python bench/scale.py --quick` for a smoke run (under two minutes).
bench-scale: $(STAMP)
	$(BIN)/python bench/scale.py

# How fast `intersessional` starts: --help, states and every group's --help beside a minimal
# two-command Typer app's --help, interleaved in the same run; fails above 1.5x. About a minute.
bench-startup: $(STAMP)
	$(BIN)/python bench/startup.py

# Fault tests with real processes (chaos/): the worker SIGKILLed every 2-5 s during 20 concurrent
# cycles, the dev process group SIGKILLed and restarted, Temporal's database put back to an older
# copy, cycles reset and terminated with Temporal's CLI, the worker's PostgreSQL backends
# terminated (a database chaos_pg on 127.0.0.1:5432, dropped and created). Each asserts every
# year completed, one event per state change, every chain verified and a clean cross-check; one
# line of figures per experiment. About 10 minutes; CHAOS='--only worker-kill --years 5' for a
# part. A small version of each runs in `make test` (tests/chaos).
CHAOS ?=
chaos: $(STAMP)
	$(BIN)/python -m chaos $(CHAOS)

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache .hypothesis

# requirements.lock: the runtime dependencies of pyproject.toml (not dev), pinned with hashes for
# Linux on Python 3.12, which the Dockerfile installs with --require-hashes. Run after changing
# [project].dependencies; tests/deploy fails while the lock is behind pyproject.toml.
.PHONY: lock
lock: $(STAMP)
	$(BIN)/uv pip compile pyproject.toml --universal --python-version 3.12 --generate-hashes \
		--custom-compile-command "make lock" --quiet -o requirements.lock

# The six languages (i18n/): extract every marked text to i18n/messages.pot, then update the
# five catalogs (English is the source). New or changed texts come out untranslated (or
# fuzzy): translate them in i18n/locales/<lang>/LC_MESSAGES/messages.po (or fill them from a
# JSON with scripts/fill_catalogs.py); tests/unit/test_catalogs.py fails until every one is.
KEYWORDS := -k _ -k N_ -k ngettext:1,2 -k RuleViolation:2 -k RuleWarning.of:2
catalogs: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg $(KEYWORDS) --no-location --sort-output \
		--project intersessional --msgid-bugs-address "" -o i18n/messages.pot .
	@for lang in ar zh fr ru es; do \
		po=i18n/locales/$$lang/LC_MESSAGES/messages.po; \
		if [ -f $$po ]; then \
			$(BIN)/pybabel update --no-wrap --ignore-obsolete --no-fuzzy-matching -i i18n/messages.pot -d i18n/locales -l $$lang; \
		else \
			$(BIN)/pybabel init -i i18n/messages.pot -d i18n/locales -l $$lang; \
		fi; \
	done
