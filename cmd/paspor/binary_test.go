package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
)

// The tests that run paspor as separate processes (lock, interrupt, keyring faults, memory)
// share one build of the real binary, as users run it (no -race: the processes are the
// subject, and the memory test would measure the detector). Testscripts run paspor from the
// test binary itself (testscript.Main), so a `go test` of this package builds paspor once.
var testBinary struct {
	once sync.Once
	dir  string
	path string
	err  error
	out  []byte
}

// peakRSSEnv names the file the shared binary writes its peak RSS (VmHWM) to on exit, when set.
const peakRSSEnv = "PASPOR_TEST_PEAK_RSS_FILE"

// buildPaspor returns the shared binary, building it on first use.
func buildPaspor(t *testing.T) string {
	t.Helper()
	testBinary.once.Do(func() {
		if testBinary.dir, testBinary.err = os.MkdirTemp("", "paspor-test-bin-"); testBinary.err != nil {
			return
		}
		testBinary.path = filepath.Join(testBinary.dir, "paspor")
		build := exec.Command("go", "build", "-o", testBinary.path, "-ldflags", "-X main.testOnlyPeakRSSEnv="+peakRSSEnv, ".")
		build.Env = append(os.Environ(), "GOFLAGS=-buildvcs=false")
		testBinary.out, testBinary.err = build.CombinedOutput()
	})
	if testBinary.err != nil {
		t.Fatalf("go build: %v\n%s", testBinary.err, testBinary.out)
	}
	return testBinary.path
}

// removeTestBinary runs after all tests (see TestMain).
func removeTestBinary() {
	if testBinary.dir != "" {
		os.RemoveAll(testBinary.dir)
	}
}

// cleanupM lets TestMain remove the shared binary: testscript.Main calls os.Exit itself.
type cleanupM struct{ m *testing.M }

func (c cleanupM) Run() int {
	defer removeTestBinary()
	return c.m.Run()
}
