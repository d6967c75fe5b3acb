# tunix-rt: `make run` starts the service, `make test` runs every suite.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
export TUNIX_RT_TEST_POSTGRES_DSN ?= postgresql://postgres@127.0.0.1:5432/postgres

.PHONY: help install run test lint format typecheck test-backend test-smoke bench clean

# Each part of the project adds its own install steps and test suites from a fragment:
# INSTALL_TARGETS (run by `make install`) and TEST_TARGETS (run by `make test`, in order).
INSTALL_TARGETS := $(VENV)/.backend-installed
TEST_TARGETS := lint typecheck test-backend test-smoke
-include training/training.mk
-include frontend/frontend.mk
-include e2e/e2e.mk

help:
	@echo "make run    install (idempotent) and serve the API and dashboard on http://$(HOST):$(PORT)"
	@echo "make test   install and run every test suite (lint, types, backend on SQLite and PostgreSQL)"
	@echo "make lint | make typecheck | make test-backend | make bench | make clean"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# Re-installs only when a pyproject changes.
$(VENV)/.backend-installed: $(BIN)/python backend/pyproject.toml
	$(BIN)/pip install --quiet -e "backend[dev]"
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

# Suites run one after another (one CPU-heavy suite at a time on small machines).
test: install
	@set -e; for target in $(TEST_TARGETS); do \
	  echo "==> make $$target"; $(MAKE) --no-print-directory $$target; done

bench: install
	cd backend && ../$(BIN)/python benchmarks/ingest.py

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
GSM8K_DIR ?= $(abspath ../shared/data/gsm8k)
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
