# Two commands matter: `make run` (install and try it) and `make test` (everything CI checks).
.PHONY: help install run test lint postgres-down

help:
	@echo "make run    install, then fill the local store (.casetrail/) with demo data"
	@echo "make test   install, start PostgreSQL if needed, run ruff, mypy, purity, pytest"
	@echo "make lint   ruff, mypy and the domain purity check only"

install:
	@scripts/install

run: install
	.venv/bin/casetrail demo
	@echo
	@echo "Replay any record printed above, step by step or as of a time:"
	@echo "  .venv/bin/casetrail replay ID            (whole history and current state)"
	@echo "  .venv/bin/casetrail replay ID --version 2"
	@echo "  .venv/bin/casetrail replay ID --as-of 2026-05-01T12:00"
	@echo "Events are in $${CASETRAIL_HOME:-.casetrail}/casetrail.db; set CASETRAIL_DATABASE_URL to use PostgreSQL."

test:
	@scripts/test

lint: install
	.venv/bin/ruff check .
	.venv/bin/mypy
	.venv/bin/python scripts/check_domain_purity.py

postgres-down:
	@scripts/postgres down
