# `make test` and `make demo` work from a fresh clone: each sets up .venv on first use.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: test lint unit demo bench bench-quick clean

$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev]'
	touch $(STAMP)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/mypy integration bot sandboxes

unit: $(STAMP)
	$(BIN)/pytest -n 2 $(PYTEST_ARGS)

test: lint unit

demo: $(STAMP)
	$(BIN)/xerobot demo

bench: $(STAMP)
	$(BIN)/python -m bench

# Every benchmark at small sizes, in seconds: shows they still run (`make test` runs it as tests/integration/test_bench.py).
bench-quick: $(STAMP)
	$(BIN)/python -m bench --quick

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache xerobot.db
