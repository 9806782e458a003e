# Two commands: `make run` serves the portal with demo data; `make test` runs every test.
PYTHON ?= python3
VENV   ?= .venv
HOST   ?= 127.0.0.1
PORT   ?= 8000
WORKERS ?= 2
BIN    := $(VENV)/bin
PIP    := $(BIN)/python -m pip --disable-pip-version-check -q

.PHONY: run test install test-install browser bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(PIP) install -e .
	touch $@

$(VENV)/.test-installed: pyproject.toml | $(BIN)/python
	$(PIP) install -e '.[test]'
	touch $(VENV)/.installed $@

install: $(VENV)/.installed

test-install: $(VENV)/.test-installed

run: install
	$(BIN)/portal db upgrade
	$(BIN)/portal seed
	@echo "ポータルを http://$(HOST):$(PORT)/ で起動します（停止は Ctrl+C）"
	$(BIN)/gunicorn --workers $(WORKERS) --threads 4 --bind $(HOST):$(PORT) \
		--access-logfile - wsgi:app

browser:
	@scripts/ensure-browser.sh $(BIN)

test: test-install browser
	$(BIN)/python -m pytest

bench: install
	$(BIN)/python scripts/bench.py

clean:
	rm -rf $(VENV) instance/test-* .pytest_cache
