# Two commands: `make run` and `make test`. Each sets up .venv from the committed lock first.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

TRAIN  := .venv-train

.PHONY: run test lint bench train setup clean chromium

setup: $(STAMP)

# Reinstall only when the lock or the project metadata changes.
$(STAMP): requirements.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/coach serve

lint: $(STAMP)
	$(BIN)/ruff check coach tools tests app.py
	$(BIN)/mypy

test: $(STAMP) lint chromium
	$(BIN)/python -m pytest -q

# Browser tests drive Debian's chromium: installed when missing and we are root, else skipped.
chromium:
	@if [ ! -x /usr/bin/chromium ] && [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		apt-get update && apt-get install -y chromium; fi

bench: $(STAMP)
	$(BIN)/python -m tools.bench
	$(BIN)/python -m tools.bench_web
	$(BIN)/python -m tools.bench_tracking
	$(BIN)/python -m tools.bench_workers

# The severity model: features from the project venv, fitting with scikit-learn in its own venv
# (never in requirements.lock), coefficients written to knowledge/models/severity.npz.
# The intent readers (dialogue acts, what a question asks) and the account ranker are small
# enough to fit with numpy, in the project venv.
train: $(STAMP) $(TRAIN)/.installed
	$(BIN)/python -m tools.train_intents
	$(BIN)/python -m tools.train_names
	$(BIN)/python -m tools.severity_features
	$(TRAIN)/bin/python tools/train_severity.py

$(TRAIN)/.installed: requirements-train.lock
	test -x $(TRAIN)/bin/python || $(PYTHON) -m venv $(TRAIN)
	$(TRAIN)/bin/python -m pip install --quiet --disable-pip-version-check --no-deps -r requirements-train.lock
	touch $@

clean:
	rm -rf $(VENV) $(TRAIN) .train .mypy_cache .ruff_cache .pytest_cache
