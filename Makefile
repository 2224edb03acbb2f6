# Two commands matter: `make run` (install and try it) and `make test` (everything CI checks).
.PHONY: help install run test lint postgres-down

help:
	@echo "make run    install, seed demo data into the local store (.casetrail/) and serve it"
	@echo "make test   install, start PostgreSQL if needed, run ruff, mypy, purity, pytest"
	@echo "make lint   ruff, mypy and the domain purity check only"

install:
	@scripts/install

run: install
	.venv/bin/casetrail serve --demo

test:
	@scripts/test

lint: install
	.venv/bin/ruff check .
	.venv/bin/mypy
	.venv/bin/python scripts/check_domain_purity.py

postgres-down:
	@scripts/postgres down
