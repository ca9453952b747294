# H22 City Expo. `make demo` on a fresh machine; `make test` before pushing.

VENV := .venv
PYTHON := $(VENV)/bin/python
INSTALLED := $(VENV)/.installed

.PHONY: install demo test lint

install: $(INSTALLED)
	@command -v msgfmt >/dev/null || { \
		apt-get install -y --no-install-recommends gettext 2>/dev/null || \
		{ apt-get update && apt-get install -y --no-install-recommends gettext; }; }
	@command -v chromium >/dev/null || { \
		apt-get update && apt-get install -y --no-install-recommends chromium chromium-driver; }
	@if [ -f package.json ] && [ ! node_modules/.package-lock.json -nt package.json ]; then \
		npm install --no-audit --no-fund; fi
	@if [ -d locale ]; then $(PYTHON) manage.py compilemessages --ignore=$(VENV) -v 0; fi

$(PYTHON):
	python3 -m venv $(VENV)

# Reinstalls only when pyproject.toml is newer than the last install.
$(INSTALLED): pyproject.toml | $(PYTHON)
	$(PYTHON) -m pip install --quiet -e '.[dev]'
	@touch $@

demo: install
	$(PYTHON) manage.py migrate --noinput
	$(PYTHON) manage.py load_demo
	$(PYTHON) manage.py load_demo --start "$$(date +%F)" --as-copy
	$(PYTHON) manage.py runserver 127.0.0.1:8000

test: install
	$(VENV)/bin/pytest -n auto $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
