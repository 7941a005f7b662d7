# Everything a fresh machine needs: python3 (>= 3.11) and make. Nothing is installed outside .venv.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test bench clean system-deps

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

demo: $(STAMP)
	rm -rf $(CURDIR)/.demo
	$(BIN)/bokslut --data-dir $(CURDIR)/.demo demo
	@if [ -t 0 ] && [ -t 1 ]; then $(BIN)/bokslut --data-dir $(CURDIR)/.demo --sandbox; \
	else echo "no terminal here: open the app with $(BIN)/bokslut --data-dir $(CURDIR)/.demo --sandbox"; fi

# tmux drives the end-to-end terminal test; installed from the system's packages where we may.
system-deps:
	@command -v tmux >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 \
		&& (apt-get update -qq && apt-get install -y -qq tmux >/dev/null) \
		|| echo "tmux not installed: the terminal end-to-end test will be skipped"; }

test: $(STAMP) system-deps
	$(BIN)/python -m pytest

bench: $(STAMP)
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) .demo .pytest_cache .hypothesis
