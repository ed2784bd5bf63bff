package main

import (
	"bufio"
	"os"
	"strings"
)

// testOnlyPeakRSSFile is set at link time by memory_test.go (-ldflags -X): the process then
// writes its own VmHWM there on exit. Read from inside because a parent's rusage counts the
// memory of the process that forked it, not just the child's.
var testOnlyPeakRSSFile string

func reportPeakRSS() {
	if testOnlyPeakRSSFile == "" {
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
			_ = os.WriteFile(testOnlyPeakRSSFile, []byte(strings.TrimSpace(v)), 0o600)
		}
	}
}
