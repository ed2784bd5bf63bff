package main

import (
	"bufio"
	"os"
	"strings"
)

// testOnlyPeakRSSFile is set at link time (-ldflags -X, tools/bench): the process then writes
// its own VmHWM there on exit. Read from inside because a parent's rusage counts the memory of
// the process that forked it, not just the child's.
var testOnlyPeakRSSFile string

// testOnlyPeakRSSEnv is set at link time by the tests' shared build (binary_test.go) to the
// name of an environment variable: when that variable names a file, the process writes its
// VmHWM there, so one binary serves every process-level test. A release build leaves it empty
// and reads no such variable.
var testOnlyPeakRSSEnv string

func reportPeakRSS() {
	path := testOnlyPeakRSSFile
	if path == "" && testOnlyPeakRSSEnv != "" {
		path = os.Getenv(testOnlyPeakRSSEnv)
	}
	if path == "" {
		return
	}
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	for s.Scan() {
		if v, ok := strings.CutPrefix(s.Text(), "VmHWM:"); ok {
			_ = os.WriteFile(path, []byte(strings.TrimSpace(v)), 0o600)
		}
	}
}
