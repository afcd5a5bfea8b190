# Two commands for users: `make run` and `make test`. Everything else is set up on demand.
SHELL := /bin/bash
.DEFAULT_GOAL := help

export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export PIP_DISABLE_PIP_VERSION_CHECK := 1
export RASA_TELEMETRY_ENABLED := false

APP_VENV := .venv
RASA_VENV := .venv-rasa
APP_PY := $(APP_VENV)/bin/python
RASA_PY := $(RASA_VENV)/bin/python
STAMPS := .stamps

.PHONY: help setup browser run run-cluster test lint format train kb onnx bench clean

help:
	@echo "make run   - set up what is missing, then start the assistant (Rasa, actions, handoff)"
	@echo "make run-cluster - the same on PostgreSQL and Redis, two of each server behind HAProxy (docs/deploy.md)"
	@echo "make test  - lint, validate and run the whole test suite"

setup: $(STAMPS)/app $(STAMPS)/rasa

# Python 3.10 for Rasa: on PATH, or through pyenv. One clear error when neither exists.
$(STAMPS)/rasa: requirements/rasa.txt
	@py310=""; \
	for candidate in "python3.10" "PYENV_VERSION=3.10 python3.10" "$$(pyenv prefix 3.10 2>/dev/null)/bin/python3.10"; do \
	  found=$$(env $$candidate -c 'import sys; print(sys.executable)' 2>/dev/null) && { py310=$$found; break; }; \
	done; \
	if [ -z "$$py310" ]; then \
	  echo "error: Python 3.10 is needed for Rasa 3.6 but was not found (tried python3.10, PYENV_VERSION=3.10 python3.10, pyenv prefix 3.10). Install it, e.g. 'pyenv install 3.10'." >&2; exit 1; \
	fi; \
	echo "• Creating $(RASA_VENV) with $$py310 (Rasa 3.6.21; first time takes a few minutes)"; \
	[ -x $(RASA_PY) ] || $$py310 -m venv $(RASA_VENV); \
	$(RASA_PY) -m pip install -q -r requirements/rasa.txt
	@mkdir -p $(STAMPS) && touch $@

$(STAMPS)/app: requirements/app.txt
	@command -v python3.11 >/dev/null || { echo "error: python3.11 is needed for the app runtime but was not found." >&2; exit 1; }
	@echo "• Creating $(APP_VENV) (torch CPU, sentence-transformers, FAISS, spaCy, aiohttp, rasa-sdk)"
	@[ -x $(APP_PY) ] || python3.11 -m venv $(APP_VENV)
	@$(APP_PY) -m pip install -q -r requirements/app.txt
	@mkdir -p $(STAMPS) && touch $@

# Debian's Chromium for the browser tests (never a browser downloaded by a test tool).
browser:
	@if [ ! -x /usr/bin/chromium ]; then \
	  if [ "$$(id -u)" = 0 ]; then SUDO=""; elif sudo -n true 2>/dev/null; then SUDO="sudo -n"; else \
	    echo "error: the browser tests need Debian's chromium; run: sudo apt-get install -y chromium chromium-driver" >&2; exit 1; fi; \
	  echo "• Installing Debian's chromium for the browser tests"; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium chromium-driver >/dev/null; \
	fi

onnx: setup
	@$(APP_PY) -m bot.onnx.export --out var/models/minilm-onnx

kb: setup
	@$(APP_PY) -m knowledge_base build --source data/kb --index var/kb_index

train: setup
	@$(APP_PY) -m stack train

run: setup
	@$(APP_PY) -m stack run

run-cluster: setup
	@$(APP_PY) -m stack run --cluster

lint: $(STAMPS)/app
	$(APP_VENV)/bin/ruff check .
	$(APP_VENV)/bin/ruff format --check .

format: $(STAMPS)/app
	$(APP_VENV)/bin/ruff check --fix .
	$(APP_VENV)/bin/ruff format .

test: setup browser lint
	$(APP_PY) -m actions.diagnostics lint
	$(APP_PY) -m pytest

clean:
	rm -rf models var/kb_index var/logs .rasa
