# Warm Station Insights — every target sets up what it needs on a fresh Debian machine.
SHELL := /bin/bash
export DAGSTER_HOME ?= $(CURDIR)/.dagster
export WSI_DATA_DIR ?= $(CURDIR)/data
# uv is found on PATH, or run as a module when pip installed it outside PATH
UV = $(shell command -v uv 2>/dev/null || echo python3 -m uv)
PY = $(UV) run --frozen python
SCALE ?= demo
SEED ?= 7

.PHONY: run serve test dagster bench demo-data lint format setup browser-deps java-deps clean-data

## run: set up, generate demo data when landing is empty, run the pipeline, write the latest
## briefs (city and every district) and month cards, serve the dashboard
run: setup
	@if [ -z "$$(find "$(WSI_DATA_DIR)/landing" -type f ! -name .gitkeep 2>/dev/null | head -1)" ]; then \
		echo "landing is empty: generating the '$(SCALE)' demo data"; \
		$(PY) -m pipelines demo-data --scale $(SCALE) --seed $(SEED); \
	fi
	$(PY) -m pipelines run
	$(PY) -m pipelines report --latest
	$(PY) -m pipelines card --latest
	$(PY) -m dashboards users demo
	@echo "Dashboard: http://127.0.0.1:8050"
	$(PY) -m dashboards --host 127.0.0.1 --port 8050

## serve: run it for real: the dashboard under gunicorn (WSI_BIND, default 127.0.0.1:8050),
## the Dagster webserver (WSI_DAGSTER_BIND, 127.0.0.1:3000) and the Dagster daemon (landing
## sensor, monthly schedules), supervised as one set; Ctrl-C or TERM stops all three
serve: setup
	@test -s "$(WSI_DATA_DIR)/users.json" || echo "no accounts yet: $(PY) -m dashboards users add NAME --role city"
	$(PY) deploy/supervise.py

## test: set up (Python packages, chromium, chromedriver, CJK fonts, Java for Spark) and run every test
test: setup browser-deps java-deps
	$(UV) run --frozen ruff check .
	$(UV) run --frozen ruff format --check .
	$(UV) run --frozen pytest

## dagster: the Dagster UI over the same data folder, on http://127.0.0.1:3000
dagster: setup
	$(UV) run --frozen dagster dev -w workspace.yaml -h 127.0.0.1 -p 3000

## bench: the benchmarks (large scale), written to docs/benchmarks.md; BENCH_ARGS="--repeat 1" for a quick look
bench: setup
	$(UV) sync --frozen --group bench
	$(PY) -m benchmarks.run $(BENCH_ARGS)

## demo-data: (re)generate the demo landing files: make demo-data SCALE=small SEED=1
demo-data: setup
	$(PY) -m pipelines demo-data --scale $(SCALE) --seed $(SEED)

lint: setup
	$(UV) run --frozen ruff check .
	$(UV) run --frozen ruff format --check .

format: setup
	$(UV) run --frozen ruff check --fix .
	$(UV) run --frozen ruff format .

setup:
	@command -v uv >/dev/null 2>&1 || python3 -m uv --version >/dev/null 2>&1 || \
		python3 -m pip install --quiet uv || \
		python3 -m pip install --quiet --break-system-packages uv
	@$(UV) sync --frozen --quiet
	@mkdir -p "$(DAGSTER_HOME)"
	@# deploy/dagster.yaml when there is none, or only the telemetry line older checkouts wrote
	@if [ ! -f "$(DAGSTER_HOME)/dagster.yaml" ] || \
		[ "$$(cat "$(DAGSTER_HOME)/dagster.yaml")" = "$$(printf 'telemetry:\n  enabled: false')" ]; then \
		cp deploy/dagster.yaml "$(DAGSTER_HOME)/dagster.yaml"; fi

browser-deps:
	@if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null \
		|| ! command -v pdftotext >/dev/null || ! fc-list 2>/dev/null | grep -qi "Noto Sans CJK"; then \
		echo "installing chromium, chromedriver, fonts-noto-cjk, poppler-utils"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
			chromium chromium-driver fonts-noto-cjk poppler-utils >/dev/null; \
	fi

# Spark (the scale-out engine, tested for parity with DuckDB) runs on a Java 17 runtime
java-deps:
	@if ! command -v java >/dev/null; then \
		echo "installing openjdk-17-jre-headless (for Spark)"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
			openjdk-17-jre-headless >/dev/null; \
	fi
