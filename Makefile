# Pöhinä: `make run` to try it, `make test` before you push. Needs GNU make and python3.11.

PYTHON    ?= python3
VENV      := .venv
PY        := $(VENV)/bin/python
POHINA_DB ?= data/pohina.duckdb
SCALE     ?= imatra
CHROMIUM  := /usr/bin/chromium
export POHINA_DB

.PHONY: run test lint format bench demo chromium
.DELETE_ON_ERROR:

# The local demo, without a login: the app runs without one only when POHINA_AUTH=none says so.
run: $(VENV)/.installed-requirements $(POHINA_DB)
	POHINA_AUTH=none $(VENV)/bin/streamlit run app.py

test: $(VENV)/.installed-requirements-dev chromium lint
	$(VENV)/bin/pytest -q

lint: $(VENV)/.installed-requirements-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(VENV)/.installed-requirements-dev
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

bench: $(VENV)/.installed-requirements
	$(PY) bench/run.py $(ARGS)

# Build the demo database at SCALE (imatra or city) into $(POHINA_DB).
demo: $(VENV)/.installed-requirements
	@mkdir -p $(dir $(POHINA_DB))
	$(PY) -m metrics demo --scale $(SCALE)

$(POHINA_DB): | $(VENV)/.installed-requirements
	@mkdir -p $(dir $@)
	$(PY) -m metrics demo --scale imatra

$(PY):
	$(PYTHON) -m venv $(VENV)

# One stamp per requirements file: pip runs again only when that file changes.
$(VENV)/.installed-%: %.txt | $(PY)
	$(PY) -m pip install --disable-pip-version-check --root-user-action=ignore -q -r $<
	@touch $@

$(VENV)/.installed-requirements-dev: requirements.txt

# The browser test drives Debian's chromium; Playwright's own browser download cannot work here.
chromium:
	@if [ ! -x $(CHROMIUM) ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium; \
	  else \
	    echo "$(CHROMIUM) is missing: install it with 'sudo apt-get install chromium'." >&2; \
	    exit 1; \
	  fi; \
	fi
