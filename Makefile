# paspor: the two commands a newcomer runs are `make demo` and `make test`.
GO      ?= go
BIN     := bin/paspor
PKGS    := ./...

.PHONY: all build demo test vet fmt-check bench fuzz clean

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

# Go benchmarks of the hot paths (benchstat-friendly); timing never runs in `make test`.
bench:
	$(GO) test -run '^$$' -bench . -benchmem -count 5 ./crypto/ ./export/ ./wallet/

# Each fuzz target for FUZZTIME (default 30s).
FUZZTIME ?= 30s
fuzz:
	@set -e; for pkg in ./crypto ./export ./wallet; do \
	  for t in $$($(GO) test -list '^Fuzz' $$pkg | grep '^Fuzz'); do \
	    echo "== $$pkg $$t"; $(GO) test -run '^$$' -fuzz "^$$t$$" -fuzztime $(FUZZTIME) $$pkg; \
	  done; \
	done

clean:
	rm -rf bin
