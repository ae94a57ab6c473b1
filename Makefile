# celedger — the two commands a newcomer needs:
#   make run    build, create a demo ledger once, put `celedger` on PATH (~/.local/bin), open the UI on it
#   make test   build and run every test (unit, screen, CLI end to end, reliability, real terminal under
#               tmux, and a monkey test of random keys and resizes)
# Both first install what is missing on Debian/Ubuntu when run as root, and say what to install otherwise.

SWIFT      ?= swift
BUILD_DIR  ?= .build
DEMO_DIR   ?= .demo
DEMO_DB    ?= $(DEMO_DIR)/ledger.sqlite
DEMO_ARGS  ?= --persons 3000 --seed 1
BIN        := $(BUILD_DIR)/debug/celedger

.PHONY: run test build deps demo release install link bench man format clean

deps:
	@sh scripts/ensure-deps.sh

build: deps
	$(SWIFT) build

$(DEMO_DB): | build
	@mkdir -p $(DEMO_DIR)
	$(BIN) --db $(DEMO_DB) demo $(DEMO_ARGS)

demo: build $(DEMO_DB)

# `celedger` as a command: a symlink in ~/.local/bin to the built binary (no root needed).
link: build
	@sh scripts/link-bin.sh $(BIN)

run: build $(DEMO_DB) link
	$(BIN) --db $(DEMO_DB)

# The PostgreSQL half of the tests runs on a throwaway cluster started here (scripts/pg-cluster.sh) and
# always stopped, whatever the tests do; CELEDGER_TEST_PG tells the tests (and the real-terminal test on a
# server, scripts/e2e-tmux-pg.sh) where it is.
test: deps
	$(SWIFT) build --build-tests
	@bash -c 'set -e; eval "$$(bash scripts/pg-cluster.sh start)"; \
	  trap "bash scripts/pg-cluster.sh stop \"$$CELEDGER_TEST_PG_DIR\"" EXIT; \
	  $(SWIFT) test --skip-build; bash scripts/e2e-tmux-pg.sh $(BIN)'
	@bash scripts/e2e-tmux.sh $(BIN)
	@bash scripts/monkey-tmux.sh $(BIN)
	@if command -v python3 >/dev/null 2>&1; then sh scripts/check-man.sh $(BIN); else echo "check-man: python3 not found, man page not checked"; fi
	@if command -v python3 >/dev/null 2>&1; then python3 scripts/check-doc-names.py; else echo "check-doc-names: python3 not found, not checked"; fi
	@bash scripts/check-format.sh

release: deps
	$(SWIFT) build -c release

PREFIX ?= /usr/local
install: release
	install -d $(PREFIX)/bin $(PREFIX)/share/celedger
	install -m 755 $(BUILD_DIR)/release/celedger $(PREFIX)/bin/celedger
	cp -R data/. $(PREFIX)/share/celedger/

# The scale benchmark (docs/performance.md): release build, cached demo ledgers under .bench/, figures
# against the sqlite3 shell. BENCH_10M=1 adds ten million records; BENCH_RUNS, BENCH_ONLY: see the script.
bench: deps
	@bash scripts/bench.sh

# The man page, generated from the command definitions (scripts/gen-man.py); make test checks it is current.
man: build
	python3 scripts/gen-man.py $(BIN) -o docs/celedger.1

# Rewrites every Swift file as the toolchain's formatter does (.swift-format); make test checks it was done.
format:
	$(SWIFT) format -i -r --parallel --configuration .swift-format Sources Tests Package.swift

clean:
	rm -rf $(BUILD_DIR) $(DEMO_DIR)
