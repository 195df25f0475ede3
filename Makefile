# Collections Portal — `make run` serves the demo portal, `make test` runs every check.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export FLASK_APP := wsgi

.PHONY: run dev test install lint fmt migrate seed bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

migrate: install
	$(BIN)/flask db upgrade

seed: migrate
	$(BIN)/flask seed-demo

run: seed
	@echo ""
	@echo "  Collections Portal: http://127.0.0.1:5000"
	@echo "  Demo logins (password: demo-password): admin, compliance, reviewer1, reviewer2,"
	@echo "  lead, collector1, collector2, risk, fraud, auditor"
	@echo ""
	$(BIN)/gunicorn --bind 127.0.0.1:5000 --workers 2 --threads 4 --access-logfile - wsgi:app

dev: seed
	$(BIN)/flask run --debug --host 127.0.0.1 --port 5000

lint: install
	$(BIN)/ruff check .

test: install lint
	$(BIN)/pytest -q $(PYTEST_ARGS)

fmt: install
	$(BIN)/ruff check --fix .

bench: install
	$(BIN)/python -m bench.run

clean:
	rm -rf $(VENV) .pytest_cache
