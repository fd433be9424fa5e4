# On a fresh machine: `make demo` (set up, then one report that is meant to fail), then `. .venv/bin/activate`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: install demo test test-fast lint validate bench clean sandbox compat browser

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $(STAMP)

install: $(STAMP) ## create .venv and install the judge with its dependencies

# The demo's one report is meant to fail (the untouched starter); a real judge failure (exit 2 or 3) still fails make.
demo: $(STAMP) ## set up, then check the judge works: the public tests of the first problem on its untouched starter
	@echo
	@echo "The report below is MEANT TO FAIL: it runs the public tests of the first problem, causal_mask, on its"
	@echo "untouched starter (problems/causal_mask/starter.py), the function you will write. A report means the judge works."
	@echo
	@status=0; $(BIN)/judge test causal_mask problems/causal_mask/starter.py || status=$$?; \
	  if [ $$status -ne 1 ]; then echo "make demo: the judge failed (exit $$status)"; exit 1; fi
	@echo
	@echo "(That failure was expected.) Set-up is done. Now activate the environment in your shell:"
	@echo
	@echo "    . .venv/bin/activate"
	@echo
	@echo "Every judge command needs it (else: 'judge: command not found'). Then start with:  judge next"

# Test processes: one more than the cores, since many tests wait on a process or a time limit rather than compute.
TEST_WORKERS ?= $(shell $(PYTHON) -c "import os; print(min(8, len(os.sched_getaffinity(0)) + 1))" 2>/dev/null || echo 3)

test: $(STAMP) ## the whole test suite: judge internals, every verdict, and judge validate over every problem
	$(BIN)/python -m pytest -q -n $(TEST_WORKERS)

test-fast: $(STAMP) ## the suite without tests marked slow (every problem validated, red team, whole classes graded)
	$(BIN)/python -m pytest -q -n $(TEST_WORKERS) -m "not slow"

sandbox: $(STAMP) ## the strong sandbox tier: install bubblewrap (as root, with apt) and let its uid reach Python
	@if ! command -v bwrap >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    apt-get install -y -q bubblewrap >/dev/null 2>&1 || \
	      (apt-get update -q >/dev/null 2>&1 && apt-get install -y -q bubblewrap >/dev/null); \
	  else echo "install bubblewrap with your package manager for the strong sandbox tier"; fi; \
	fi
	$(BIN)/python -m judge.sandbox --setup

browser: ## headless Chromium for the report.html browser test (as root, with apt; the test skips without it)
	@if ! command -v chromium >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    apt-get install -y -q chromium >/dev/null 2>&1 || \
	      (apt-get update -q >/dev/null 2>&1 && apt-get install -y -q chromium >/dev/null); \
	  else echo "install chromium with your package manager to run the report.html browser test"; fi; \
	fi

# The oldest supported Python: a working python3.10 (directly, or a pyenv-installed 3.10), else python3.
COMPAT_PY ?= $(shell python3.10 -c 'import sys; print(sys.executable)' 2>/dev/null || \
               (v=$$(pyenv versions --bare 2>/dev/null | grep '^3\.10' | tail -1); \
                [ -n "$$v" ] && echo "$$(pyenv prefix $$v)/bin/python") || echo python3)
COMPAT    := .venv-compat

# The lowest versions pyproject.toml supports; the newest verified are its upper bounds (pytest <9.3,
# pytest-timeout <2.5).
COMPAT_PINS := "numpy==1.26.4" "pytest==7.4.0" "pytest-timeout==2.2.0"

compat: ## judge validate on the oldest supported stack: Python 3.10 (when present), NumPy 1.26, pytest 7.4
	$(COMPAT_PY) -m venv $(COMPAT)
	$(COMPAT)/bin/python -m pip install --quiet --disable-pip-version-check $(COMPAT_PINS) -e .
	$(COMPAT)/bin/python -c 'import numpy, pytest, pytest_timeout, sys; print("compat:", sys.version.split()[0], \
	  "numpy", numpy.__version__, "pytest", pytest.__version__)'
	$(COMPAT)/bin/python -m judge validate

lint: $(STAMP)
	$(BIN)/ruff check judge tests bench problems solutions

validate: $(STAMP)
	$(BIN)/judge validate

bench: $(STAMP) ## performance ratios (see bench/README.md)
	$(BIN)/python bench/run.py
	$(BIN)/python bench/grade.py
	$(BIN)/python bench/hangs.py
	$(BIN)/python bench/zygote.py

clean:
	rm -rf $(VENV) $(COMPAT) .judge
