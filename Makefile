# The front door. Every target sets up its own virtual environment first.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PORT   ?= 8000
# Browser tests drive Debian's Chromium (Playwright cannot download browsers here).
CHROMIUM := /usr/bin/chromium
STAMP  := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)
export NO_MKDOCS_2_WARNING := 1

ENV    ?= test

.PHONY: setup validate schema openapi translations build serve check test lint policy bench deploy destroy clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

setup: $(STAMP)

validate: setup ## Check providers.yaml; every error with file:line:column
	$(BIN)/klachtenportaal validate providers.yaml

schema: setup ## Regenerate providers.schema.json from the registry model
	$(BIN)/klachtenportaal schema

openapi: setup ## Regenerate docs/api-docs/openapi.json from the API's code
	AWS_DEFAULT_REGION=eu-west-1 $(BIN)/python -m complaint_form openapi > docs/api-docs/openapi.json

# Every text to translate (babel.cfg) into the English catalogue, which is then compiled; a new
# or changed text comes with an empty msgstr to fill in (README, Languages).
CATALOGUE := klachtenportaal/locale
translations: setup ## Update the English catalogue from the source, then compile it
	$(BIN)/pybabel -q extract -F babel.cfg --sort-by-file --no-wrap -o $(CATALOGUE)/messages.pot .
	$(BIN)/pybabel -q update -i $(CATALOGUE)/messages.pot -d $(CATALOGUE) -l en --no-wrap --no-fuzzy-matching
	$(BIN)/pybabel -q compile -d $(CATALOGUE) -l en
	rm $(CATALOGUE)/messages.pot

build: setup ## Validate, then build the site into site/
	$(BIN)/klachtenportaal build

serve: setup ## Build and serve the site and the form backend on http://localhost:$(PORT)/
	$(BIN)/python -m devserver --port $(PORT)

lint: setup
	$(BIN)/ruff check .
	$(BIN)/mypy

# checkov pins its own versions of libraries this project uses too: it has a venv of its own.
CHECKOV := .venv-checkov/bin/checkov
$(CHECKOV):
	$(PYTHON) -m venv .venv-checkov
	.venv-checkov/bin/python -m pip install --quiet 'checkov==3.3.30'

policy: $(CHECKOV) ## Scan infra/ with checkov: every check passes or is skipped, with the reason, in the template
	$(CHECKOV) --directory infra --framework cloudformation --skip-download --compact --quiet

$(CHROMIUM):
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium

# The issue's accessibility measure is Lighthouse's own score: its CLI, from npm, in a folder
# of its own (a test tool; nothing of the product runs on Node).
LIGHTHOUSE := .lighthouse/node_modules/.bin/lighthouse
$(LIGHTHOUSE):
	npm install --silent --no-audit --no-fund --prefix .lighthouse lighthouse@12.8.2

check: lint ## The quick lane: ruff, mypy and every test without a browser or a MkDocs build
	$(BIN)/pytest -q -n 2 -m "not build" tests/unit tests/integration

test: lint policy $(CHROMIUM) $(LIGHTHOUSE) ## Run every test (unit, integration, browser, Lighthouse) and the policy scan
	$(BIN)/pytest

bench: setup ## Run the benchmarks (bench/README.md); results in bench/results/latest.md
	$(BIN)/python -m bench.run

deploy: setup ## Build and deploy everything to AWS (infra/environments/$(ENV).json)
	$(BIN)/python -m infra.deploy deploy --env $(ENV)

destroy: setup ## Delete the stack and the site (complaint data is kept)
	$(BIN)/python -m infra.deploy destroy --env $(ENV)

clean:
	rm -rf site var .pytest_cache .mypy_cache .ruff_cache
