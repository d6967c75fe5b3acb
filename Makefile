# tunix-rt: `make run` starts the service, `make test` runs every suite.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
export TUNIX_RT_TEST_POSTGRES_DSN ?= postgresql://postgres@127.0.0.1:5432/postgres

.PHONY: help install run test lint format typecheck test-backend test-smoke test-secrets \
	test-audit fuzz bench clean

# Each part of the project adds its own install steps and test suites from a fragment:
# INSTALL_TARGETS (run by `make install`) and TEST_TARGETS (run by `make test`, in order).
INSTALL_TARGETS := $(VENV)/.backend-installed
TEST_TARGETS := lint typecheck test-backend test-smoke test-secrets
-include training/training.mk
-include frontend/frontend.mk
-include e2e/e2e.mk
# Last: it asks PyPI's and npm's advisory services (needs network access; CI has it).
TEST_TARGETS += test-audit

help:
	@echo "make run    install (idempotent) and serve the API and dashboard on http://$(HOST):$(PORT)"
	@echo "make test   install and run every test suite (lint, types, backend on SQLite and PostgreSQL)"
	@echo "make check  the fast suites only (lint, types, tests not marked slow): while working"
	@echo "make lint | make typecheck | make test-backend | make bench | make clean"
	@echo "make test-stress   the formerly hanging sequence, STRESS_COUNT (20) times in one process"
	@echo "make fuzz   the API fuzzer with a long budget (FUZZ_EXAMPLES, FUZZ_STATEFUL, FUZZ_SEED)"
	@echo "make test-audit | make test-secrets   known vulnerabilities | secrets in the repository"

# Python 3.11's venv seeds setuptools 65.5, which has known vulnerabilities (test-audit).
SETUPTOOLS := "setuptools>=78.1.1,<81"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip $(SETUPTOOLS)

# Re-installs only when a pyproject changes.
$(VENV)/.backend-installed: $(BIN)/python backend/pyproject.toml
	$(BIN)/pip install --quiet -e "backend[dev]" $(SETUPTOOLS)
	@touch $@

install: $(INSTALL_TARGETS)

run: install
	$(BIN)/tunix-rt serve --host $(HOST) --port $(PORT)

lint: install
	$(BIN)/ruff check backend
	$(BIN)/ruff format --check backend

format: install
	$(BIN)/ruff check --fix backend
	$(BIN)/ruff format backend

typecheck: install
	cd backend && ../$(BIN)/mypy tunix_rt_backend tests benchmarks training

test-backend: install
	cd backend && ../$(BIN)/pytest -q --cov --cov-report=term --cov-fail-under=85

# Suites run one after another (one CPU-heavy suite at a time on small machines), each under a
# wall-clock limit in seconds (TEST_LIMIT, or TEST_LIMIT_<target>): a suite that overruns is
# stopped and named, never left to stall (scripts/limited.py). Each suite's time is printed, and
# the suite that failed or overran is named last.
TEST_LIMIT ?= 900
TEST_LIMIT_lint ?= 300
TEST_LIMIT_typecheck ?= 600
TEST_LIMIT_test-backend ?= 1200
TEST_LIMIT_test-training ?= 1200
# The suite running now, for .ci/run to name if it is stopped from outside.
TEST_SUITE_FILE ?= .make-test-suite
TEST_LIMITS = $(foreach t,$(TEST_TARGETS),$(t)=$(or $(TEST_LIMIT_$(t)),$(TEST_LIMIT)))
test: install
	@started=$$(date +%s); times=""; \
	for pair in $(TEST_LIMITS); do \
	  target=$${pair%%=*}; limit=$${pair#*=}; t0=$$(date +%s); \
	  echo "==> make $$target (limit $$limit s)"; echo "$$target" > $(TEST_SUITE_FILE); \
	  $(PYTHON) scripts/limited.py "make $$target" "$$limit" \
	    $(MAKE) --no-print-directory $$target; rc=$$?; \
	  times="$$times $$target=$$(( $$(date +%s) - t0 ))s"; \
	  if [ $$rc -ne 0 ]; then \
	    echo "==> make test stopped in make $$target (exit $$rc) after $$(( $$(date +%s) - started )) s;$$times" >&2; \
	    exit $$rc; fi; \
	done; \
	rm -f $(TEST_SUITE_FILE); \
	echo "==> make test passed in $$(( $$(date +%s) - started )) s:$$times"

# The fast suites only, for use while working (under 5 minutes here): lint, types, and the
# backend and training tests not marked slow.
.PHONY: check test-stress
check: install
	@started=$$(date +%s); set -e; \
	$(MAKE) --no-print-directory lint typecheck; \
	$(BIN)/ruff check training; $(BIN)/ruff format --check training; \
	cd backend && ../$(BIN)/pytest -q -m "not slow" -p no:cacheprovider; \
	cd ../training && ../$(BIN)/pytest -q -m "not slow" -p no:cacheprovider; \
	echo "==> make check passed in $$(( $$(date +%s) - started )) s"

# The sequence that once hung at random when tests served the app in a thread: the GSM8K
# command-line and client tests, then the traces API tests, STRESS_COUNT times in one pytest
# process (docs/development.md). Not part of `make test`.
STRESS_COUNT ?= 20
test-stress: install
	cd backend && ../$(BIN)/pytest -q -p no:cacheprovider --count $(STRESS_COUNT) \
	  --repeat-scope session tests/sources/test_cli.py tests/test_client.py tests/traces

bench: install
	cd backend && ../$(BIN)/python benchmarks/ingest.py

# Dataset builds over 1,000,000 traces against the bare SQL, exports against COPY, and the
# server's memory while it exports and builds (docs/performance.md, "Datasets (build and
# export)"). Not part of `make test`. BENCH_DATASETS_ARGS passes options, e.g. "--repeat 1".
.PHONY: bench-datasets
bench-datasets: install
	cd backend && ../$(BIN)/python benchmarks/datasets.py $(BENCH_DATASETS_ARGS)

# 50 clients mixing ingest, list, get and export for 60 s against `tunix-rt serve` on a fresh
# PostgreSQL database: errors and p50/p95/p99 per endpoint (docs/performance.md, "Load").
# Not part of `make test`. LOAD_ARGS passes options, e.g. LOAD_ARGS="--clients 20 --seconds 30".
.PHONY: load
load: install
	cd backend && ../$(BIN)/python -m benchmarks.load $(LOAD_ARGS)

clean:
	rm -rf $(VENV) backend/.pytest_cache backend/.mypy_cache backend/.coverage

# The user's path end to end on a fresh database: import GSM8K, build a split dataset, export it
# for Tunix, and validate every exported record (blocking).
SMOKE_DIR := $(shell mktemp -d -u /tmp/tunix-rt-smoke.XXXXXX)
GSM8K_DIR ?= backend/tunix_rt_backend/data/gsm8k
test-smoke: install
	@mkdir -p $(SMOKE_DIR)
	@set -e; export TUNIX_RT_DATABASE_URL=sqlite+aiosqlite:///$(SMOKE_DIR)/smoke.db \
	  TUNIX_RT_DATASETS_DIR=$(SMOKE_DIR)/datasets; \
	$(BIN)/tunix-rt import gsm8k $(GSM8K_DIR)/test.jsonl; \
	$(BIN)/tunix-rt dataset build --name smoke --version v1 --limit 500 --strategy random \
	  --seed 7 --source gsm8k --dedup --eval-fraction 0.1; \
	$(BIN)/tunix-rt dataset export smoke-v1 --format tunix_sft --split train \
	  --out $(SMOKE_DIR)/train.jsonl; \
	$(BIN)/python backend/training/sft_smoke.py $(SMOKE_DIR)/train.jsonl --samples 1; \
	rm -rf $(SMOKE_DIR)

# Schemathesis against the served API on SQLite and PostgreSQL with a long budget (`make test`
# runs a short deterministic one in test-backend). A fresh random seed unless FUZZ_SEED is given;
# the seed is printed so that a failure can be replayed.
FUZZ_EXAMPLES ?= 200
FUZZ_STATEFUL ?= 200
FUZZ_SEED ?= $(shell od -An -N4 -tu4 /dev/urandom | tr -d ' ')
fuzz: $(VENV)/.backend-installed
	cd backend && TUNIX_RT_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) TUNIX_RT_FUZZ_STATEFUL=$(FUZZ_STATEFUL) \
	  TUNIX_RT_FUZZ_SEED=$(FUZZ_SEED) ../$(BIN)/pytest -q -p no:cacheprovider tests/fuzz

# GSM8K as published (5 MB of questions, half a minute of scanning): its bytes are pinned by
# backend/tests/test_data.py instead.
SECRETS_SKIP := backend/tunix_rt_backend/data/gsm8k/*.jsonl
# Secrets in the files git tracks or would add (blocking). Findings reviewed as harmless are in
# .secrets.baseline, each marked is_secret: false; anything else fails. The hook gets a copy of
# the baseline because it rewrites the line numbers it holds.
test-secrets: $(VENV)/.backend-installed
	@baseline=$$(mktemp); trap 'rm -f "$$baseline"' EXIT; cp .secrets.baseline "$$baseline"; \
	mapfile -d '' files < <(git ls-files -z --cached --others --exclude-standard); \
	existing=(); for f in "$${files[@]}"; do \
	  case "$$f" in .secrets.baseline|$(SECRETS_SKIP)) continue;; esac; \
	  [ -f "$$f" ] && existing+=("$$f"); done; \
	$(BIN)/detect-secrets-hook --baseline "$$baseline" "$${existing[@]}" >/dev/null || rc=$$?; \
	if [ "$${rc:-0}" = 1 ]; then \
	  $(BIN)/detect-secrets-hook --baseline "$$baseline" "$${existing[@]}"; \
	  echo "New secrets: remove them, or if harmless add them to .secrets.baseline (docs/security.md)." >&2; \
	  exit 1; \
	elif [ "$${rc:-0}" != 0 ] && [ "$${rc:-0}" != 3 ]; then exit "$$rc"; fi
	@$(BIN)/python -c 'import json, sys; \
	results = json.load(open(".secrets.baseline"))["results"]; \
	found = [(name, s["line_number"]) for name, items in results.items() for s in items \
	         if s.get("is_secret") is not False]; \
	sys.exit("unreviewed or real secrets in .secrets.baseline: %s" % found if found else None)'
	@echo "detect-secrets: no new secrets in $$(git ls-files --cached --others --exclude-standard | wc -l) files"

# Known vulnerabilities (blocking): every installed Python distribution (pip-audit, PyPI's
# advisory data) and the frontend's and e2e's npm packages at high or critical severity. A
# package that could not be looked up fails too, so that a pass means everything was checked;
# only UNGAR (installed from git, not on PyPI) is exempt.
# Blocking on every known vulnerability found. Where the advisory services cannot be reached
# (a machine that sees only the package registries), the packages that could not be checked are
# named and the target passes, unless TUNIX_RT_AUDIT_REQUIRED=1 (the GitHub workflow sets it).
test-audit: install
	@out=$$($(BIN)/pip-audit --skip-editable --progress-spinner off 2>&1); rc=$$?; \
	unaudited=$$(grep 'could not be audited' <<<"$$out" | grep -v '^ungar ' || true); \
	if [ $$rc -ne 0 ] && grep -qi 'found [1-9][0-9]* known vulnerabilit' <<<"$$out"; then \
	  echo "$$out"; exit 1; fi; \
	if [ -n "$$unaudited" ]; then \
	  echo "pip-audit: PyPI's vulnerability data (https://pypi.org/pypi/NAME/VERSION/json) is not reachable; $$(wc -l <<<"$$unaudited") packages were not checked." >&2; \
	  if [ "$${TUNIX_RT_AUDIT_REQUIRED:-0}" = 1 ]; then exit 1; fi; \
	elif [ $$rc -ne 0 ]; then echo "$$out"; exit 1; \
	else echo "pip-audit: $$(head -1 <<<"$$out")"; fi
	@for dir in frontend e2e; do \
	  out=$$(cd $$dir && npm audit --audit-level=high 2>&1); rc=$$?; \
	  if [ $$rc -eq 0 ]; then echo "npm audit ($$dir): $$(tail -1 <<<"$$out")"; \
	  elif grep -q 'audit endpoint returned an error' <<<"$$out"; then \
	    echo "npm audit ($$dir): the npm advisory endpoint is not reachable; not checked." >&2; \
	    if [ "$${TUNIX_RT_AUDIT_REQUIRED:-0}" = 1 ]; then exit 1; fi; \
	  else echo "$$out"; exit 1; fi; done
