# tunix-rt: `make run` starts the service, `make test` runs every suite.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
export TUNIX_RT_TEST_POSTGRES_DSN ?= postgresql://postgres@127.0.0.1:5432/postgres

.PHONY: help install run test lint format typecheck test-backend bench clean

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

install: $(VENV)/.backend-installed

run: install
	$(BIN)/tunix-rt serve --host $(HOST) --port $(PORT)

lint: install
	$(BIN)/ruff check backend
	$(BIN)/ruff format --check backend

format: install
	$(BIN)/ruff check --fix backend
	$(BIN)/ruff format backend

typecheck: install
	cd backend && ../$(BIN)/mypy tunix_rt_backend tests benchmarks

test-backend: install
	cd backend && ../$(BIN)/pytest -q --cov --cov-report=term --cov-fail-under=85

test: install lint typecheck test-backend

bench: install
	cd backend && ../$(BIN)/python benchmarks/ingest.py

clean:
	rm -rf $(VENV) backend/.pytest_cache backend/.mypy_cache backend/.coverage
