# Schoolkeep: the README's two commands are `make run` and `make test`.
#
#   make install        create .venv (Python 3.11+) and install the pinned dependencies
#   make run            upgrade the database, load the demo if it has no school, serve on :8000
#   make test           lint, type-check, security-lint, then the whole pytest suite
#   make lint           ruff, mypy and bandit only
#   make bench          every benchmark in bench/ (bench/all.py) on SQLite, and on PostgreSQL
#                       too when SCHOOLKEEP_BENCH_POSTGRES holds a server's URL; prints each
#                       report and one summary; never fails on a timing
#   make audit-deps     pip-audit the pinned dependencies (needs the network; fails if any
#                       package could not be checked)
#   make constraints    re-pin requirements/constraints.txt from the current .venv

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := $(CURDIR)/.venv
BIN := $(VENV)/bin
CONSTRAINTS := requirements/constraints.txt
STAMP := $(VENV)/.schoolkeep-installed
AXE_DIR := tools/axe
AXE_JS := $(AXE_DIR)/node_modules/axe-core/axe.min.js
AXE_STAMP := $(AXE_DIR)/node_modules/.schoolkeep-installed
SCHOOLKEEP_CHROMIUM ?= /usr/bin/chromium
export SCHOOLKEEP_CHROMIUM
# Two workers suit the two cores of the CI machine; override with PYTEST_WORKERS=auto.
PYTEST_WORKERS ?= 2
PYTEST_ARGS ?=

export SCHOOLKEEP_ENV := development

.PHONY: help install run test lint check-migrations browser-tools pytest bench audit-deps constraints

help:
	@sed -n 's/^#   //p' Makefile

# Idempotent: reinstalls only when pyproject.toml or the constraints changed (hash in $(STAMP)).
# pip's warnings about configured local indexes that do not exist are dropped (noise only).
install:
	@want=$$(cat pyproject.toml $(CONSTRAINTS) | sha256sum | cut -d' ' -f1); \
	if [ -x "$(BIN)/python" ] && [ "$$(cat $(STAMP) 2>/dev/null)" = "$$want" ]; then \
		exit 0; \
	fi; \
	if [ ! -x "$(BIN)/python" ]; then \
		if [ -z "$(PYTHON)" ]; then echo "make: Python 3.11 or newer is needed (python3.11)"; exit 1; fi; \
		"$(PYTHON)" -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
			|| { echo "make: $(PYTHON) is older than Python 3.11"; exit 1; }; \
		echo "Creating $(VENV) with $(PYTHON)"; \
		"$(PYTHON)" -m venv "$(VENV)"; \
	fi; \
	echo "Installing pinned dependencies from $(CONSTRAINTS)"; \
	"$(BIN)/python" -m pip install --quiet --disable-pip-version-check \
		-c $(CONSTRAINTS) -e '.[dev]' \
		2> >(grep -v "is ignored: it is neither a file nor a directory" >&2); \
	echo "$$want" > $(STAMP)

run: install
	@mkdir -p var/static
	@"$(BIN)/schoolkeep" upgrade
	@# An empty database gets the demo; a database holding the operator's own schools is left
	@# alone. The demo's logins are printed by `serve` once the server is up, last of all.
	@state=$$("$(BIN)/schoolkeep" shell -c 'from schoolkeep.demo.builder import demo_exists; from schoolkeep.tenancy.models import School; print("demo" if demo_exists() else "own" if School.objects.exists() else "empty")' | tail -n 1); \
	if [ "$$state" = own ]; then \
		echo "The database holds your own schools: no demo loaded."; \
	elif [ "$$state" = empty ]; then \
		"$(BIN)/schoolkeep" demo --no-logins; \
	fi
	@echo "Starting Schoolkeep (web server, task worker and scheduler)..."
	@exec "$(BIN)/schoolkeep" serve --host 127.0.0.1 --port 8000 --demo-logins

lint: install
	"$(BIN)/ruff" check src tests bench
	"$(BIN)/mypy" src
	"$(BIN)/bandit" -q -r src -c pyproject.toml

check-migrations: install
	@data=$$(mktemp -d); trap 'rm -rf "$$data"' EXIT; \
	SCHOOLKEEP_DATA_DIR="$$data" "$(BIN)/schoolkeep" makemigrations --check --dry-run

# Debian's chromium (installed with apt when we are root and it is missing) and axe-core
# (npm ci into the git-ignored tools/axe/node_modules). Without them the browser tests skip
# with a message; SCHOOLKEEP_REQUIRE_BROWSER=1 (set by .ci/run on CI) makes them fail instead.
browser-tools:
	@if [ ! -x "$(SCHOOLKEEP_CHROMIUM)" ]; then \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
			echo "Installing Debian's chromium with apt-get (once)"; \
			export DEBIAN_FRONTEND=noninteractive; \
			apt_install() { apt-get install -y -q chromium >/tmp/schoolkeep-apt.log 2>&1; }; \
			apt_install || { apt-get update -q >>/tmp/schoolkeep-apt.log 2>&1 && apt_install; } \
				|| { echo "*** apt-get could not install chromium (see /tmp/schoolkeep-apt.log)"; true; }; \
		fi; \
	fi
	@if [ ! -x "$(SCHOOLKEEP_CHROMIUM)" ]; then \
		echo "*** $(SCHOOLKEEP_CHROMIUM) is missing and cannot be installed here (needs root and apt):"; \
		echo "*** the browser tests (tests/browser) will be SKIPPED."; \
	fi
	@want=$$(sha256sum $(AXE_DIR)/package-lock.json | cut -d' ' -f1); \
	if [ -f "$(AXE_JS)" ] && [ "$$(cat $(AXE_STAMP) 2>/dev/null)" = "$$want" ]; then exit 0; fi; \
	if command -v npm >/dev/null; then \
		echo "Installing axe-core into $(AXE_DIR)/node_modules (npm ci)"; \
		npm ci --prefix $(AXE_DIR) --no-audit --no-fund --loglevel=error \
			&& echo "$$want" > $(AXE_STAMP) \
			|| echo "*** npm ci failed: the browser tests will be SKIPPED."; \
	else \
		echo "*** npm is missing: axe-core cannot be installed, the browser tests will be SKIPPED."; \
	fi

# The suite on SQLite, then on PostgreSQL when SCHOOLKEEP_TEST_POSTGRES holds a database URL
# (pytest-django creates and drops test_<name>_gw<N> databases beside it).
pytest: install browser-tools
	@mkdir -p test-output
	@run_pytest() { \
		local label=$$1 rc=0; shift; \
		echo "== pytest on $$label"; \
		"$$@" "$(BIN)/pytest" -n $(PYTEST_WORKERS) --dist worksteal -rs -q \
			--junitxml=test-output/junit-$${label,,}.xml $(PYTEST_ARGS) || rc=$$?; \
		if [ $$rc = 5 ]; then echo "*** pytest collected no tests on $$label: nothing was tested"; fi; \
		return $$rc; \
	}; \
	run_pytest SQLite env -u DATABASE_URL; \
	if [ -n "$${SCHOOLKEEP_TEST_POSTGRES:-}" ]; then \
		run_pytest PostgreSQL env DATABASE_URL="$$SCHOOLKEEP_TEST_POSTGRES"; \
	else \
		echo "(SCHOOLKEEP_TEST_POSTGRES is not set: the suite ran on SQLite only)"; \
	fi

test: install lint pytest

# Exit status 1 only when a benchmark could not run to its end, never because of a figure.
bench: install
	"$(BIN)/python" bench/all.py

# Fails unless every pinned package was looked up: pip-audit alone passes when the
# vulnerability database cannot be reached (every package "could not be audited").
audit-deps: install
	"$(BIN)/python" tools/audit_deps.py -r $(CONSTRAINTS) --pip-audit "$(BIN)/pip-audit"

constraints: install
	@{ echo "# Pinned versions of every dependency (runtime and dev), from a working .venv."; \
	   echo "# Regenerate with: make constraints   (after changing pyproject.toml)"; \
	   "$(BIN)/python" -m pip freeze --exclude-editable; } > $(CONSTRAINTS).new
	mv $(CONSTRAINTS).new $(CONSTRAINTS)
	@echo "Wrote $(CONSTRAINTS); commit it with pyproject.toml."
