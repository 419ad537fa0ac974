# hatake: `make demo` runs the product with demo data; `make test` runs the whole suite.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
VENDOR := src/hatake/web/static/vendor
HATAKE_HOME ?= $(CURDIR)/.hatake
export HATAKE_HOME

.PHONY: demo test install assets system-deps lint format serve clean bench

demo: install assets
	$(BIN)/hatake demo --keep-existing
	@echo "hatake: http://127.0.0.1:8000  (login: demo@hatake.example / hatake-demo)"
	$(BIN)/hatake serve --host 127.0.0.1 --port 8000

serve: install assets
	$(BIN)/hatake serve

test: install assets system-deps
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/pytest -p no:cacheprovider -n 2

install: $(STAMP)

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c constraints.txt -e ".[dev]"
	touch $(STAMP)

assets: $(VENDOR)/.built

$(VENDOR)/.built: package.json package-lock.json
	SCARF_ANALYTICS=false npm ci --no-audit --no-fund --loglevel=error
	mkdir -p $(VENDOR)
	cp node_modules/htmx.org/dist/htmx.min.js $(VENDOR)/htmx.min.js
	cp node_modules/chart.js/dist/chart.umd.min.js $(VENDOR)/chart.umd.min.js
	cp node_modules/swagger-ui-dist/swagger-ui-bundle.js $(VENDOR)/swagger-ui-bundle.js
	cp node_modules/swagger-ui-dist/swagger-ui.css $(VENDOR)/swagger-ui.css
	cp node_modules/swagger-ui-dist/favicon-32x32.png $(VENDOR)/swagger-favicon.png
	touch $@

system-deps:
	bash scripts/ensure-system-deps.sh

lint:
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks

format:
	$(BIN)/ruff check --fix src tests benchmarks
	$(BIN)/ruff format src tests benchmarks

bench: install
	$(BIN)/python benchmarks/demo_generate.py --accounts 10000 --months 12 --runs 3

clean:
	rm -rf $(VENV) node_modules $(VENDOR) .hatake
