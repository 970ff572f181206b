# Pöhinä: `make run` to try it, `make test` before you push. Needs GNU make and python3.11.

PYTHON    ?= python3
VENV      := .venv
PY        := $(VENV)/bin/python
POHINA_DB ?= data/pohina.duckdb
SCALE     ?= imatra
CHROMIUM  := /usr/bin/chromium
# The meeting pack's PDF (WeasyPrint) needs Pango and a font from the system; its tests also
# render the pages to PNG with pdftoppm.
PDF_DEBS  := libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core
PDF_FONT  := /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf
PDF_STRICT ?= 1
export POHINA_DB

.PHONY: run test test-fast lint format bench bench-load demo chromium docs screenshots pdf-deps poppler
.DELETE_ON_ERROR:

# The local demo, without a login: the app runs without one only when POHINA_AUTH=none says so.
# server.py is the production app (the pages and the API in one process); `streamlit run` serves
# it as uvicorn does in production, and takes the usual --server.* options.
run: PDF_STRICT := 0
run: $(VENV)/.installed-requirements $(POHINA_DB) pdf-deps
	POHINA_AUTH=none $(VENV)/bin/streamlit run server.py

test: $(VENV)/.installed-requirements-dev chromium pdf-deps poppler lint
	$(VENV)/bin/pytest -q

# The quick loop while you work, under two minutes on two cores: everything but the browser
# tests and the `slow` ones (city-scale or limit-sized data; the command line or the API server
# in another process), spread over every core. `make test` still runs everything.
test-fast: $(VENV)/.installed-requirements-dev pdf-deps poppler
	$(VENV)/bin/pytest -q -n auto -m "not browser and not slow"

lint: $(VENV)/.installed-requirements-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(VENV)/.installed-requirements-dev
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

bench: $(VENV)/.installed-requirements
	$(PY) bench/run.py $(ARGS)

# Capacity: the real server pinned to one core, 1 to 40 sessions at once driven from the other
# through Streamlit's websocket protocol, and the API (bench/README.md). Needs bench/city.duckdb,
# which `make bench` builds; takes about eight minutes.
bench-load: $(VENV)/.installed-requirements
	$(PY) bench/load.py $(ARGS)

# Rewrite the parts of docs/ generated from the code (tests/test_docs.py fails when they differ).
docs: $(VENV)/.installed-requirements
	$(PY) -m docs.generate

# Photograph every page for the README (docs/screenshots/), in a headless chromium.
screenshots: $(VENV)/.installed-requirements-dev chromium
	$(PY) -m docs.screenshots

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

# Pango and the DejaVu font for the meeting pack's PDF, installed with apt-get when run as root.
# Otherwise `make run` only warns (the app runs; the PDF download fails) and `make test` stops.
pdf-deps:
	@if ! ldconfig -p | grep -q 'libpangoft2-1.0.so.0' || [ ! -f $(PDF_FONT) ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y $(PDF_DEBS); \
	  else \
	    echo "The meeting pack's PDF needs $(PDF_DEBS): install them with 'sudo apt-get install $(PDF_DEBS)'." >&2; \
	    [ "$(PDF_STRICT)" = 0 ]; \
	  fi; \
	fi

# pdftoppm (Debian's poppler-utils): the pack's tests look at its pages as images.
poppler:
	@if ! command -v pdftoppm >/dev/null; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y poppler-utils; \
	  else \
	    echo "pdftoppm is missing: install it with 'sudo apt-get install poppler-utils'." >&2; \
	    exit 1; \
	  fi; \
	fi
