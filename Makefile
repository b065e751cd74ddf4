PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
QACTL := $(VENV)/bin/qactl
STAMP := $(VENV)/.installed
# The dev/test install, every package pinned with its hashes (`make lock` writes it from pyproject.toml).
LOCK := requirements-dev.lock
UV_VERSION := 0.13.9
# What the browser test needs (tests/report/test_browser.py): Chromium, Node and poppler from Debian, and
# puppeteer-core and axe-core from npm, at the versions of tests/browser/package-lock.json, into .browser/.
BROWSER := .browser
BROWSER_STAMP := $(BROWSER)/node_modules/.installed
DEBIAN_FOR_BROWSER := chromium nodejs npm poppler-utils

.PHONY: test demo bench bench-redaction lint lock clean browser

# Exactly the locked versions (hash-checked, nothing resolved here), then qactl itself, editable, built with the
# locked hatchling.
$(STAMP): pyproject.toml $(LOCK)
	rm -rf $(VENV)
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --require-hashes --no-deps -r $(LOCK)
	$(PY) -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $(STAMP)

# After a change to the dependencies or the test extra in pyproject.toml: lock again, with hashes, for every
# platform and Python qactl supports (uv in its own venv, .venv-lock/), then `make test`.
lock:
	test -x .venv-lock/bin/uv || ($(PYTHON) -m venv .venv-lock && .venv-lock/bin/pip install --quiet uv==$(UV_VERSION))
	.venv-lock/bin/uv pip compile --quiet pyproject.toml requirements-build.in --extra test --universal \
	  --python-version 3.11 --generate-hashes --custom-compile-command "make lock" -o $(LOCK)

venv: $(STAMP)

lint: $(STAMP)
	$(VENV)/bin/ruff check qactl tests bench
	$(VENV)/bin/ruff format --check qactl tests bench examples
	$(VENV)/bin/mypy

test: $(STAMP)
	$(VENV)/bin/ruff check qactl tests bench
	$(VENV)/bin/ruff format --check qactl tests bench examples
	$(VENV)/bin/mypy
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
	rm -rf $(VENV) .venv-lock out build dist .pytest_cache $(BROWSER)
