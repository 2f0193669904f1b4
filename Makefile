# pingan-analysis: the front door. `make` alone lists the targets.
PYTHON ?= python3
VENV := .venv
UV_VERSION := 0.13.8
UV := $(VENV)/bin/uv
STAMP := $(VENV)/.synced

.DEFAULT_GOAL := help
.PHONY: help report test lab clean-env screenshots

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(UV):
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/python -m pip install --quiet "uv==$(UV_VERSION)"

# The locked environment: uv.lock pins every package; --inexact keeps uv itself in the venv.
$(STAMP): $(UV) pyproject.toml uv.lock
	UV_PROJECT_ENVIRONMENT=$(VENV) $(UV) sync --frozen --inexact --extra dev --python $(VENV)/bin/python
	@touch $(STAMP)

report: $(STAMP) ## run the whole pipeline into reports/ (incremental; FORCE=1 reruns all)
	$(VENV)/bin/pingan run $(if $(FORCE),--force)

test: $(STAMP) ## run the test suite
	$(VENV)/bin/python -m pytest $(PYTEST_ARGS)

lab: $(STAMP) ## open JupyterLab with a kernel that sees the package
	$(VENV)/bin/python -m ipykernel install --sys-prefix --name pingan-analysis --display-name "pingan-analysis (.venv)" >/dev/null
	$(VENV)/bin/jupyter lab notebooks/ $(if $(filter 0,$(shell id -u)),--allow-root)

screenshots: $(STAMP) ## PNGs of the index, 05, a profile, a reader page (reports/screenshots/)
	$(VENV)/bin/python tests/screenshots.py reports

clean-env: ## remove the virtual environment
	rm -rf $(VENV)
