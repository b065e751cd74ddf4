PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
QACTL := $(VENV)/bin/qactl
STAMP := $(VENV)/.installed

.PHONY: test demo bench bench-redaction lint clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

venv: $(STAMP)

lint: $(STAMP)
	$(VENV)/bin/ruff check qactl tests

test: $(STAMP)
	$(VENV)/bin/ruff check qactl tests
	$(PY) -m pytest -q

demo: $(STAMP)
	bash examples/demo.sh $(QACTL)

bench: $(STAMP)
	$(PY) bench/run.py

bench-redaction: $(STAMP)
	$(PY) bench/redaction.py

clean:
	rm -rf $(VENV) out build dist .pytest_cache
