# paspor: the two commands a newcomer runs are `make demo` and `make test`.
GO      ?= go
BIN     := bin/paspor
PKGS    := ./...

.PHONY: all build demo test vet fmt-check bench bench-go fuzz clean crashtest

all: build

build:
	$(GO) build -o $(BIN) ./cmd/paspor

# A complete holder-to-partner session on a throwaway wallet (key-file factor, no keyring).
demo: build
	./scripts/demo $(BIN)

# Every test: vet, formatting, unit and CLI tests with the race detector, the real
# Secret Service test (skips loudly without gnome-keyring; fails instead under CI=true).
test: vet fmt-check
	$(GO) test -race -count=1 -timeout 20m $(PKGS)

vet:
	$(GO) vet $(PKGS)

fmt-check:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi

# paspor against age and the stock-tool pipeline, and its memory bounds: prints the table
# and writes BENCHMARKS.md (about 10 minutes; BENCHFLAGS=-quick for a smoke run, see
# `go run ./tools/bench -h`). Timing never runs in `make test`.
BENCHFLAGS ?=
bench: build
	$(GO) run ./tools/bench -paspor $(BIN) -out BENCHMARKS.md $(BENCHFLAGS)

# Go benchmarks of the hot paths (benchstat-friendly: stable names, -count 5).
bench-go:
	$(GO) test -run '^$$' -bench . -benchmem -count 5 ./crypto/ ./export/ ./wallet/

# Every fuzz target of every package, one at a time, each for FUZZTIME (default 30s);
# FUZZFLAGS passes more flags (e.g. -parallel 1 on a shared machine). A package that does not
# compile fails the run instead of silently listing no targets. Minimising a new input is
# capped at 5s: with Go's default (60s) a bundle-sized input spends the whole run being
# minimised, which looks like a hang (0 execs/s) but is the fuzzer, not the code under test.
FUZZTIME  ?= 30s
FUZZFLAGS ?= -fuzzminimizetime 5s
fuzz:
	@set -e; for pkg in $$($(GO) list $(PKGS)); do \
	  list=$$($(GO) test -list '^Fuzz' $$pkg) || { echo "$$list"; exit 1; }; \
	  for t in $$(printf '%s\n' "$$list" | grep -E '^Fuzz[A-Za-z0-9_]*$$' || true); do \
	    echo "== $$pkg $$t"; \
	    $(GO) test -run '^$$' -fuzz "^$$t$$" -fuzztime $(FUZZTIME) $(FUZZFLAGS) $$pkg; \
	  done; \
	done

# Crash consistency: runs paspor's writers on a throwaway wallet, kills them with
# SIGKILL at random moments and checks the wallet after each; prints what it checked.
# `make test` runs a short pass of the same program (tools/crashtest).
crashtest: build
	$(GO) run ./tools/crashtest -paspor $(BIN) -ops 600 -min-kills 500

clean:
	rm -rf bin
