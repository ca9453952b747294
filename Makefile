# H22 City Expo. `make demo` on a fresh machine; `make test` before pushing.

VENV := .venv
PYTHON := $(VENV)/bin/python
DEMO_INSTALLED := $(VENV)/.installed-demo
INSTALLED := $(VENV)/.installed
NPM_DEMO_INSTALLED := node_modules/.installed-demo
NPM_INSTALLED := node_modules/.installed
# Where `make demo` serves; e.g. `make demo DEMO_PORT=127.0.0.1:8123`.
DEMO_PORT ?= 127.0.0.1:8000

.PHONY: install install-demo demo test lint bench

# What the demo needs and no more: the app's Python packages, its translations and the
# QR reader the camera pages serve from node_modules (package.json "dependencies").
install-demo: $(DEMO_INSTALLED) $(NPM_DEMO_INSTALLED)
	@command -v msgfmt >/dev/null || { \
		apt-get install -y --no-install-recommends gettext 2>/dev/null || \
		{ apt-get update && apt-get install -y --no-install-recommends gettext; }; }
	@if [ -d locale ]; then $(PYTHON) manage.py compilemessages --ignore=$(VENV) -v 0; fi

# Everything: the demo's part, then what only tests and development use (test tools,
# Chromium for the browser tests, npm packages).
install: install-demo $(INSTALLED) $(NPM_INSTALLED)
	@command -v chromium >/dev/null || { \
		apt-get update && apt-get install -y --no-install-recommends chromium chromium-driver; }

$(PYTHON):
	python3 -m venv $(VENV)

# Each reinstalls only when pyproject.toml is newer than its last install.
$(DEMO_INSTALLED): pyproject.toml | $(PYTHON)
	$(PYTHON) -m pip install --quiet -e .
	@touch $@

$(INSTALLED): pyproject.toml | $(PYTHON)
	$(PYTHON) -m pip install --quiet -e '.[dev]'
	@touch $@

# npm packages from the lock only: the site's (install-demo), then the tests' too (install).
$(NPM_DEMO_INSTALLED): package.json package-lock.json
	@command -v npm >/dev/null || { \
		apt-get update && apt-get install -y --no-install-recommends npm; }
	npm ci --omit=dev --no-audit --no-fund
	@touch $@

# `install`, not `ci`: on top of the site's packages, which `ci` would delete with its stamp.
$(NPM_INSTALLED): $(NPM_DEMO_INSTALLED)
	npm install --no-save --no-audit --no-fund
	@touch $@

demo: install-demo
	$(PYTHON) manage.py migrate --noinput
	$(PYTHON) manage.py load_demo
	$(PYTHON) manage.py load_demo --start "$$(date +%F)" --as-copy
	$(PYTHON) manage.py runserver $(DEMO_PORT)

test: install
	$(VENV)/bin/pytest -n auto $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

# bench/run.py on this machine's PostgreSQL and Redis: about 30 minutes; writes BENCHMARKS.md.
bench: install
	$(PYTHON) bench/run.py $(BENCH_ARGS)
