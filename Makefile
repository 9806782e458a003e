# Two commands: `make run` serves the portal with demo data; `make test` runs every test.
PYTHON ?= python3
VENV   ?= .venv
HOST   ?= 127.0.0.1
PORT   ?= 8000
WORKERS ?= 2
# The local stand-in GビズID provider is on for the demo (off by default everywhere else).
GBIZID_STANDIN ?= 1
# Development mode for the demo: keys the portal may make for itself go into instance/ (see README).
DEVELOPMENT ?= 1
BIN    := $(VENV)/bin
PIP    := $(BIN)/python -m pip --disable-pip-version-check -q

.PHONY: run test install test-install browser faketime bench clean preprint

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
	PORTAL_DEVELOPMENT=$(DEVELOPMENT) $(BIN)/portal db upgrade
	PORTAL_DEVELOPMENT=$(DEVELOPMENT) $(BIN)/portal seed
	@PORTAL_DEVELOPMENT=$(DEVELOPMENT) PORTAL_GBIZID_STANDIN=$(GBIZID_STANDIN) \
		PORTAL_PUBLIC_URL=$${PORTAL_PUBLIC_URL:-http://$(HOST):$(PORT)} scripts/serve.sh $(BIN) $(HOST) $(PORT) $(WORKERS)

# The example application site プレプリント (examples/preprint/), next to `make run` in another terminal.
PREPRINT_PORT ?= 8001
preprint: install
	@echo "見本の申請サイト（プレプリント）を http://127.0.0.1:$(PREPRINT_PORT)/ で起動します（停止は Ctrl+C）"
	PORTAL_URL=$${PORTAL_URL:-http://127.0.0.1:$(PORT)} CLIENT_ID=$${CLIENT_ID:-preprint-demo} \
		$(BIN)/gunicorn --workers 1 --threads 4 --bind 127.0.0.1:$(PREPRINT_PORT) --no-control-socket \
		'examples.preprint:create_app()'

browser:
	@scripts/ensure-browser.sh $(BIN)

faketime:
	@scripts/ensure-faketime.sh

# Tests run in random order. The seed is printed first; `make test SEED=N` replays that order.
ifeq ($(SEED),)
SEED := $(shell od -An -N4 -tu4 /dev/urandom | tr -d ' ')
endif

test: test-install browser faketime
	@echo "テストの実行順: SEED=$(SEED)（同じ順でやり直すには make test SEED=$(SEED)）"
	$(BIN)/python -m pytest -p randomly --randomly-seed=$(SEED)
	@scripts/test-instants.sh -p randomly --randomly-seed=$(SEED)

bench: install
	PORTAL_DEVELOPMENT=1 $(BIN)/python scripts/bench.py

clean:
	rm -rf $(VENV) instance/test-* .pytest_cache
