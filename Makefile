# paspor: the two commands a newcomer runs are `make demo` and `make test`.
GO      ?= go
BIN     ?= bin/paspor
PKGS    := ./...
# bash for pipefail: `go test -json | skipsummary` must fail when go test does.
SHELL   := /bin/bash

.PHONY: all build demo test vet lint fmt-check bench bench-go fuzz clean crashtest man completions install

all: build

build:
	$(GO) build -o $(BIN) ./cmd/paspor

# A complete holder-to-partner session on a throwaway wallet (key-file factor, no keyring).
demo: build
	./scripts/demo $(BIN)

# Every test: vet, formatting, staticcheck, unit and CLI tests with the race detector, the real
# Secret Service test (skips loudly without gnome-keyring; fails instead under CI=true). Output
# is go test's usual (results, failures); tools/skipsummary lists every skip with its reason at
# the end and fails the run under CI=true if anything skipped.
test: vet fmt-check lint
	set -o pipefail; $(GO) test -json -race -count=1 -timeout 20m $(PKGS) | $(GO) run ./tools/skipsummary

# staticcheck at the version pinned by go.mod's tool directive.
lint:
	$(GO) tool staticcheck $(PKGS)

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

# Man pages, generated from the commands' help: ./man/paspor.1 and one paspor-COMMAND.1 per
# command (`man ./man/paspor-share.1`). Generated, so not committed; MANDIR moves them.
MANDIR ?= man
man: build
	rm -rf $(MANDIR)
	$(BIN) __man $(MANDIR)

# Completion scripts for bash, zsh and fish, from the binary itself, into $(COMPDIR).
COMPDIR ?= bin/completions
completions: build
	mkdir -p $(COMPDIR)
	$(BIN) completion bash > $(COMPDIR)/paspor.bash
	$(BIN) completion zsh > $(COMPDIR)/_paspor
	$(BIN) completion fish > $(COMPDIR)/paspor.fish

# make install [PREFIX=/usr/local] [DESTDIR=]: the binary, the man pages and the completion
# scripts where bash-completion, zsh and fish look for them under PREFIX.
PREFIX ?= /usr/local
install: build man completions
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1 \
	  $(DESTDIR)$(PREFIX)/share/bash-completion/completions \
	  $(DESTDIR)$(PREFIX)/share/zsh/site-functions \
	  $(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d
	install -m 0755 $(BIN) $(DESTDIR)$(PREFIX)/bin/paspor
	install -m 0644 $(MANDIR)/*.1 $(DESTDIR)$(PREFIX)/share/man/man1/
	install -m 0644 $(COMPDIR)/paspor.bash $(DESTDIR)$(PREFIX)/share/bash-completion/completions/paspor
	install -m 0644 $(COMPDIR)/_paspor $(DESTDIR)$(PREFIX)/share/zsh/site-functions/_paspor
	install -m 0644 $(COMPDIR)/paspor.fish $(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d/paspor.fish

clean:
	rm -rf bin man
