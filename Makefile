# Two entry points that work on a fresh clone: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DB ?= warehouse.duckdb
INBOX ?= samples/inbox
REGISTRY ?= samples/registry.csv

# Prefect keeps its state inside the project, never in ~/.prefect.
export PREFECT_HOME := $(CURDIR)/.prefect
export PREFECT_SERVER_ANALYTICS_ENABLED := false

.PHONY: demo test venv clean bench system-deps

venv: system-deps $(VENV)/.installed

# soffice, a CJK font, chromium + chromedriver (installed when root with apt-get; else one line saying how)
system-deps:
	@bash .ci/system-deps.sh

$(VENV)/.installed: requirements.lock pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip==25.3"
	$(BIN)/python -m pip install --quiet -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $@

demo: venv
	rm -f $(DB)
	$(BIN)/jixiao registry load $(REGISTRY) --db $(DB) > /dev/null
	$(BIN)/jixiao ingest $(INBOX) --db $(DB)

test: venv
	$(BIN)/python -m pytest -q

# issue 6: 1k and 10k generated forms through the real CLI; issue 10: 1k forms as the mixed inbox
# against the same as .docx only; figures → stdout and .bench/results.json
BENCH_FORMS ?= 1000 10000
BENCH_MIX ?= 1000
bench: venv
	$(BIN)/python -m bench.run --forms $(BENCH_FORMS) --mix $(BENCH_MIX)

clean:
	rm -rf $(VENV) .prefect $(DB) .pytest_cache .bench
