# Kommentare: `make run` starts the service with a demo article page; `make test` runs the suite.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 5000
export FLASK_APP := app:create_app

.PHONY: run test lint format migrate install clean worker

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	# torch first, pinned, so pip takes the CPU wheel instead of resolving CUDA builds.
	$(BIN)/pip install torch==2.13.0
	$(BIN)/pip install -e '.[dev]'
	touch $@

install: $(VENV)/.installed

migrate: install
	$(BIN)/flask db upgrade

run: migrate
	KOMMENTARE_DEMO_PAGE=$${KOMMENTARE_DEMO_PAGE:-true} $(BIN)/flask demo seed --base-url http://$(HOST):$(PORT)
	@echo "Demo article page: http://$(HOST):$(PORT)/demo/nordkorea-verwundete-russische-soldaten"
	@echo "API docs (OpenAPI): http://$(HOST):$(PORT)/api/openapi.json"
	KOMMENTARE_DEMO_PAGE=$${KOMMENTARE_DEMO_PAGE:-true} $(BIN)/gunicorn --config gunicorn.conf.py --bind $(HOST):$(PORT) wsgi:app

worker: migrate
	$(BIN)/flask webhooks worker

test: install
	$(BIN)/pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) instance .pytest_cache .mypy_cache .ruff_cache
