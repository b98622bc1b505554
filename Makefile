# The two commands of the README: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
PYTEST_ARGS ?=
# Two pytest-xdist workers, a test file each at a time (its module fixtures are built once);
# PYTEST_WORKERS=0 runs the tests in one process. See docs/testing.md.
PYTEST_WORKERS ?= 2

.PHONY: demo test bench system bytecode clean coverage-doc

$(STAMP): pyproject.toml constraints.txt setup.py src/senim/ledger/_walk.c
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -c constraints.txt -e '.[all,test]'
	@touch $@

demo: system $(STAMP) bytecode
	@bash scripts/demo.sh

# An editable install leaves our modules uncompiled, and where
# PYTHONDONTWRITEBYTECODE is set every command would compile them again
# (~35 ms of each start); a wheel install compiles them once, as this does.
bytecode: $(STAMP)
	@$(PY) -m compileall -q src

system:
	@bash scripts/system-deps.sh

test: system $(STAMP)
	$(VENV)/bin/pytest -q -n $(PYTEST_WORKERS) --dist loadfile $(PYTEST_ARGS)

bench: system $(STAMP) bytecode
	@$(PY) -m pip install -q -c constraints.txt -e '.[all,test,bench]'
	@bash bench/run.sh

coverage-doc: $(STAMP)
	$(PY) scripts/law_coverage.py > docs/law-coverage.md

clean:
	rm -rf $(VENV) build dist src/*.egg-info out src/senim/ledger/*.so
