# pingan-analysis: the front door. `make` alone lists the targets.
PYTHON ?= python3
VENV := .venv
UV_VERSION := 0.13.8
UV := $(VENV)/bin/uv
STAMP := $(VENV)/.synced
CFFCONVERT := cffconvert==2.0.0
# JupyterLab: `make lab PORT=8890 NO_BROWSER=1` on a remote server.
PORT ?= 8888
NO_BROWSER ?=

.DEFAULT_GOAL := help
.PHONY: help report test lab lint format docs environment screenshots clean-env

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

$(UV):
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/python -m pip install --quiet "uv==$(UV_VERSION)"

# The locked environment: uv.lock pins every package; --inexact keeps uv itself in the venv.
# The package's version is written in its __init__.py (dynamic): a new version reinstalls it, so
# the installed metadata never lags behind the checkout.
$(STAMP): $(UV) pyproject.toml uv.lock src/pingan_analysis/__init__.py
	UV_PROJECT_ENVIRONMENT=$(VENV) $(UV) sync --frozen --inexact --extra dev --python $(VENV)/bin/python \
		--reinstall-package pingan-analysis
	@touch $(STAMP)

report: $(STAMP) ## run the whole pipeline into reports/ (incremental; FORCE=1 reruns all)
	$(VENV)/bin/pingan run $(if $(FORCE),--force)

test: $(STAMP) ## run the test suite
	$(VENV)/bin/python -m pytest $(PYTEST_ARGS)

lab: $(STAMP) ## JupyterLab at the project root, with the package's kernel (PORT=, NO_BROWSER=1)
	$(VENV)/bin/python -m ipykernel install --sys-prefix --name pingan-analysis --display-name "pingan-analysis (.venv)" >/dev/null
	$(VENV)/bin/jupyter lab --ServerApp.root_dir=. --port=$(PORT) \
		$(if $(NO_BROWSER),--no-browser) $(if $(filter 0,$(shell id -u)),--allow-root)

lint: $(STAMP) ## ruff (lint and format check), mypy, CITATION.cff and environment.yml checks
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	$(UV) tool run --quiet --from "$(CFFCONVERT)" cffconvert --validate -i CITATION.cff
	$(VENV)/bin/python scripts/write_environment.py --check

format: $(STAMP) ## ruff: sort imports, fix what it can, format
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

docs: $(STAMP) ## the documentation site, built offline into site/ (strict: a broken link fails)
	NO_MKDOCS_2_WARNING=1 $(VENV)/bin/mkdocs build --strict --site-dir site

environment: $(STAMP) ## rewrite environment.yml from uv.lock's exact versions
	$(VENV)/bin/python scripts/write_environment.py

screenshots: $(STAMP) ## PNGs of the index, 05, a profile, a reader page (reports/screenshots/)
	$(VENV)/bin/python tests/screenshots.py reports

clean-env: ## remove the virtual environment
	rm -rf $(VENV)
