# The two commands of the README: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
PYTEST_ARGS ?=

.PHONY: demo test bench system clean coverage-doc

$(STAMP): pyproject.toml constraints.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -c constraints.txt -e '.[all,test]'
	@touch $@

demo: $(STAMP) system
	@bash scripts/demo.sh

system:
	@bash scripts/system-deps.sh

test: $(STAMP) system
	$(VENV)/bin/pytest -q $(PYTEST_ARGS)

bench: $(STAMP) system
	@$(PY) -m pip install -q -c constraints.txt -e '.[all,test,bench]'
	@bash bench/run.sh

coverage-doc: $(STAMP)
	$(PY) scripts/law_coverage.py > docs/law-coverage.md

clean:
	rm -rf $(VENV) build dist src/*.egg-info out
