# Two commands do all the set-up on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat constraints.txt pyproject.toml | cksum | cut -d' ' -f1)
export AIRFLOW_HOME := $(CURDIR)/.airflow
export AIRFLOW__CORE__DAGS_FOLDER := $(CURDIR)/dags
export AIRFLOW__CORE__LOAD_EXAMPLES := False
export AIRFLOW__DATABASE__SQL_ALCHEMY_CONN := sqlite:///$(CURDIR)/.airflow/airflow.db
# SQLite writers wait up to 60 s for the lock, not 5 (claimwatch/airflow_sqlite.py says why).
export AIRFLOW__DATABASE__SQL_ALCHEMY_CONNECT_ARGS := claimwatch.airflow_sqlite.CONNECT_ARGS
export AIRFLOW__DATABASE__SQL_ALCHEMY_CONNECT_ARGS_ASYNC := claimwatch.airflow_sqlite.ASYNC_CONNECT_ARGS
export CLAIMWATCH_HOME := $(CURDIR)

.PHONY: install demo test eval bench airflow-home clean

install: $(STAMP)

# Reinstalls only when the pins change; a second run reuses .venv.
$(STAMP): constraints.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet "pip==26.3"  # pip 23.2 mis-resolves some extras (stack-facts)
	$(BIN)/python -m pip install --quiet -c constraints.txt -e ".[test]"
	$(BIN)/python -m pip check
	rm -f $(VENV)/.installed-*
	touch $@

airflow-home: install
	$(BIN)/claimwatch airflow-init

demo: airflow-home
	$(BIN)/claimwatch demo

test: install
	$(BIN)/python -m pytest

# Every benchmark in bench/ (speed, scale, Airflow end to end, accuracy beside baselines);
# rewrites BENCHMARKS.md (about an hour on 2 cores). BENCH_ARGS passes options, e.g. gold sets:
# make bench BENCH_ARGS="--med1250 PATH --boilerplate-gold PATH". bench-quick runs them all at
# small sizes in a few minutes and writes data/bench/BENCHMARKS.quick.md only (CI's smoke test).
.PHONY: bench-quick
bench: install
	$(BIN)/python -m pip install --quiet -c constraints.txt -e ".[test,bench]"
	$(BIN)/python -m bench.run $(BENCH_ARGS)

bench-quick: install
	$(BIN)/python -m pip install --quiet -c constraints.txt -e ".[test,bench]"
	$(BIN)/python -m bench.run --quick $(BENCH_ARGS)

# Precision/recall of the extractors on the annotated set; fails below the pinned floors.
eval: install
	$(BIN)/python -m tests.eval.score

clean:
	rm -rf .airflow data/ .pytest_cache

# Coverage-guided fuzzing of HTML → analysis (fuzz/fuzz_analyze.py, atheris/libFuzzer) for
# FUZZ_TIME seconds. Installs the `fuzz` extra if atheris is missing. Seeds: fuzz/corpus; new
# inputs and any crash-*/timeout-* file go to data/fuzz/ (not committed). Fails on a finding;
# replay one with `.venv/bin/python fuzz/fuzz_analyze.py --replay data/fuzz/crash-…`.
.PHONY: fuzz
FUZZ_TIME ?= 60
fuzz: install
	$(BIN)/python -c "import atheris" 2>/dev/null || \
		$(BIN)/python -m pip install --quiet -c constraints.txt -e ".[test,fuzz]"
	mkdir -p data/fuzz/corpus
	$(BIN)/python fuzz/fuzz_analyze.py data/fuzz/corpus fuzz/corpus -dict=fuzz/analyze.dict \
		-max_total_time=$(FUZZ_TIME) -max_len=16384 -timeout=30 -artifact_prefix=data/fuzz/

# Soak: SOAK_PAGES pages (default 50,000) of a local multi-host site through crawl → extract →
# load (bench/soak.py), sampling RSS and open files; fails unless the warehouse matches the
# site exactly and memory and open files stay flat. Prints a table for BENCHMARKS.md. The
# 50,000-page run takes 13–18 min on 2 cores (the extract stage is most of it); SOAK_PAGES=5000
# about 90 s.
.PHONY: soak
SOAK_PAGES ?= 50000
soak: install
	$(BIN)/python -m bench.soak --pages $(SOAK_PAGES)
