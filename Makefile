PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
QACTL := $(VENV)/bin/qactl
STAMP := $(VENV)/.installed
# What the browser test needs (tests/report/test_browser.py): Chromium, Node and poppler from Debian, and
# puppeteer-core and axe-core from npm, at the versions of tests/browser/package-lock.json, into .browser/.
BROWSER := .browser
BROWSER_STAMP := $(BROWSER)/node_modules/.installed
DEBIAN_FOR_BROWSER := chromium nodejs npm poppler-utils

.PHONY: test demo bench bench-redaction lint clean browser

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

venv: $(STAMP)

lint: $(STAMP)
	$(VENV)/bin/ruff check qactl tests bench
	$(VENV)/bin/ruff format --check qactl tests bench examples

test: $(STAMP)
	$(VENV)/bin/ruff check qactl tests bench
	$(VENV)/bin/ruff format --check qactl tests bench examples
	$(PY) -m pytest -q

demo: $(STAMP)
	bash examples/demo.sh $(QACTL)

bench: $(STAMP)
	$(PY) bench/run.py

bench-redaction: $(STAMP)
	$(PY) bench/redaction.py

# `make browser`: install what the browser test needs (apt-get runs only for what is missing, and needs root).
browser: $(BROWSER_STAMP)

$(BROWSER_STAMP): tests/browser/package.json tests/browser/package-lock.json
	@missing=""; for c in chromium node npm pdfinfo; do command -v $$c >/dev/null 2>&1 || missing=1; done; \
	if [ -n "$$missing" ]; then \
	  echo "Installing $(DEBIAN_FOR_BROWSER) with apt-get"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(DEBIAN_FOR_BROWSER) >/dev/null; \
	fi
	mkdir -p $(BROWSER)
	cp tests/browser/package.json tests/browser/package-lock.json $(BROWSER)/
	cd $(BROWSER) && npm ci --ignore-scripts --no-audit --no-fund --silent
	touch $@

clean:
	rm -rf $(VENV) out build dist .pytest_cache $(BROWSER)
