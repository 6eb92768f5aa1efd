# The whole set-up on a fresh machine: `make demo` and `make test` (README.md).
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint bench browser pdf-libs clean

$(STAMP): requirements.txt requirements-dev.txt
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "$(PYTHON) is needed"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $(STAMP)

# Debian's Chromium drives the browser tests (Playwright cannot download its own browser here).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "Installing Debian's chromium for the browser tests"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

# WeasyPrint prints the annual report's PDF with Debian's Pango (usually there with Chromium).
pdf-libs:
	@ldconfig -p | grep -q libpangoft2-1.0 || { \
	  echo "Installing Debian's Pango for the PDF reports"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libpango-1.0-0 libpangoft2-1.0-0 >/dev/null; }

# Without DEBUG the settings need a SECRET_KEY; the demo runs with DEBUG on.
demo: export DEBUG ?= 1
demo: $(STAMP) pdf-libs
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo --fresh-visits
	DEBUG=1 bin/demo

test: $(STAMP) browser pdf-libs
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .

# The benchmarks run with DEBUG off (as production does), on scratch databases: any key will do.
bench: export SECRET_KEY ?= bench-only-not-secret-0123456789abcdefghijklmnopqrstuvwxyz
bench: $(STAMP)
	$(BIN)/python -m bench $(BENCH_ARGS)

clean:
	rm -rf var
