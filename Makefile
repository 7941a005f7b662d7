# Everything a fresh machine needs: python3 (>= 3.11) and make. Nothing is installed outside .venv.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test bench clean system-deps catalogs catalogs-update

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

# The texts: a catalog (.po) per language, compiled (.mo, not in git) when its .po is newer. The app compiles a
# missing or stale one itself at first use too, so a checkout run without make still speaks both languages.
CATALOGS := $(wildcard tui/locale/*/LC_MESSAGES/bokslut.po)

catalogs: $(CATALOGS:.po=.mo)

tui/locale/%/LC_MESSAGES/bokslut.mo: tui/locale/%/LC_MESSAGES/bokslut.po $(STAMP)
	$(BIN)/pybabel compile --domain bokslut --locale $* --input-file $< --output-file $@

# After adding t()/tn() calls: new keys join both catalogs with empty texts (a test fails until both are written).
catalogs-update: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg --no-default-keywords -k t -k tn:1,1 --no-wrap --no-location \
		--sort-output -o $(VENV)/bokslut.pot .
	$(BIN)/pybabel update -D bokslut -d tui/locale -i $(VENV)/bokslut.pot --no-wrap --no-fuzzy-matching \
		--ignore-pot-creation-date

demo: $(STAMP) catalogs
	rm -rf $(CURDIR)/.demo
	$(BIN)/bokslut --data-dir $(CURDIR)/.demo demo
	@if [ -t 0 ] && [ -t 1 ]; then $(BIN)/bokslut --data-dir $(CURDIR)/.demo --sandbox; \
	else echo "no terminal here: open the app with $(BIN)/bokslut --data-dir $(CURDIR)/.demo --sandbox"; fi

# Tests that touch the store run a second time against a throw-away PostgreSQL server on loopback.
STORE_TESTS := tests/store tests/checks tests/closing tests/export tests/periods tests/reports tests/fortnox tests/reconcile tests/tax tests/security \
	tests/test_cli.py tests/pg tests/tui/test_analysis.py

# tmux drives the end-to-end terminal test, PostgreSQL the shared-store run; installed from the system's
# packages where we may (as root with apt-get), else the tests that need them say so and are skipped.
system-deps:
	@command -v tmux >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 \
		&& (apt-get update -qq && apt-get install -y -qq tmux >/dev/null) \
		|| echo "tmux not installed: the terminal end-to-end test will be skipped"; }
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || command -v initdb >/dev/null 2>&1 \
		|| { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 \
		&& (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null) \
		|| echo "PostgreSQL not installed: the shared-store test run will be skipped"; }

test: $(STAMP) system-deps catalogs
	$(BIN)/python -m pytest
	$(BIN)/python -m pytest --store=postgresql $(STORE_TESTS)

bench: $(STAMP) catalogs
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) .demo .pytest_cache .hypothesis
