package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestCrashShort is CI's short pass of `make crashtest`: about 40 operations against the
// real binary, built here, with scans of up to 16 MiB. The seed comes from the clock and is
// logged, so a failure can be replayed with `crashtest -seed`.
func TestCrashShort(t *testing.T) {
	dir := t.TempDir()
	bin := filepath.Join(dir, "paspor")
	build := exec.Command("go", "build", "-o", bin, "github.com/paspor/paspor/cmd/paspor")
	build.Env = append(os.Environ(), "GOFLAGS=-buildvcs=false")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	ops := 40
	if testing.Short() {
		ops = 20
	}
	var out strings.Builder
	cfg := config{Ops: ops, Seed: uint64(time.Now().UnixNano()), Dir: filepath.Join(dir, "run"),
		Paspor: bin, MaxScan: 16 << 20, Out: &out}
	st, err := run(cfg)
	st.print(&out)
	t.Log("\n" + out.String())
	if err != nil {
		t.Fatalf("seed %d: %v", cfg.Seed, err)
	}
	if st.ops < ops || st.storeChecks == 0 || st.snapshots == 0 {
		t.Fatalf("checked too little: %d operations, %d bbolt checks, %d read-backs", st.ops, st.storeChecks, st.snapshots)
	}
}
