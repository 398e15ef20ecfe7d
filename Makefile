# Sluice — make run | make test | make bench | make sessions
SWIFT      ?= swift
APT_PKGS   := libedit-dev libsqlite3-dev
CONFIG     ?= debug
# The shell's engine runs optimized: in a debug build RUN simulates some 50× slower.
RUN_CONFIG ?= release

.PHONY: deps build run test bench sessions record clean

# Install the system packages the build needs, only when missing (fresh Debian machine).
deps:
	@missing=""; for p in $(APT_PKGS); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if ! command -v tmux >/dev/null 2>&1; then missing="$$missing tmux"; fi; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  SUDO=""; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq $$missing; \
	fi

build: deps
	$(SWIFT) build -c $(CONFIG)

run: deps
	$(SWIFT) build -c $(RUN_CONFIG) --product sluice
	$$($(SWIFT) build -c $(RUN_CONFIG) --show-bin-path)/sluice

test: deps
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build

# Release build; prints simulated rows per wall second against baselines run in the same invocation.
# `make bench SECTIONS="a b"` runs only those sections.
bench: deps
	@python3 -c 'import simpy' 2>/dev/null || pip install -q simpy
	$(SWIFT) build -c release --product SluiceBench
	@mkdir -p .build && cc -O2 -o .build/tandem-c bench/tandem.c -lm
	$$($(SWIFT) build -c release --show-bin-path)/SluiceBench $(SECTIONS)

# Re-record the golden transcripts (examples/*.out).
record:
	RECORD=1 $(MAKE) test

sessions: deps
	$(SWIFT) build --product sluice
	./sessions/record.sh

clean:
	rm -rf .build
