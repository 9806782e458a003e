# Two commands: `make run` serves the portal with demo data; `make test` runs every test.
PYTHON ?= python3
VENV   ?= .venv
HOST   ?= 127.0.0.1
PORT   ?= 8000
WORKERS ?= 2
# The local stand-in GビズID provider is on for the demo (off by default everywhere else).
GBIZID_STANDIN ?= 1
BIN    := $(VENV)/bin
PIP    := $(BIN)/python -m pip --disable-pip-version-check -q

.PHONY: run test install test-install browser bench clean preprint

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
	PORTAL_GBIZID_STANDIN=$(GBIZID_STANDIN) $(BIN)/gunicorn --workers $(WORKERS) --threads 4 --bind $(HOST):$(PORT) \
		--access-logfile - wsgi:app

# The example application site プレプリント (examples/preprint/), next to `make run` in another terminal.
PREPRINT_PORT ?= 8001
preprint: install
	@echo "見本の申請サイト（プレプリント）を http://127.0.0.1:$(PREPRINT_PORT)/ で起動します（停止は Ctrl+C）"
	PORTAL_URL=$${PORTAL_URL:-http://127.0.0.1:$(PORT)} CLIENT_ID=$${CLIENT_ID:-preprint-demo} \
		$(BIN)/gunicorn --workers 1 --threads 4 --bind 127.0.0.1:$(PREPRINT_PORT) 'examples.preprint:create_app()'

browser:
	@scripts/ensure-browser.sh $(BIN)

test: test-install browser
	$(BIN)/python -m pytest

bench: install
	$(BIN)/python scripts/bench.py

clean:
	rm -rf $(VENV) instance/test-* .pytest_cache
