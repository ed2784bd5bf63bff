package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/paspor/paspor/internal/testenv"
)

// TestQuick runs the whole harness at -quick (tiny sizes, one run) so it cannot rot
// unnoticed. It checks that every figure made it into the table and the report; it never
// checks a goal: timings on a test machine mean nothing.
func TestQuick(t *testing.T) {
	if testing.Short() {
		t.Skip("builds paspor twice and runs every figure; skipped with -short")
	}
	for _, tool := range []string{"age", "tar", "ssh-keygen", "sha256sum"} {
		testenv.RequireProgram(t, tool, "apt-get install age tar openssh-client coreutils")
	}
	dir := t.TempDir()
	out := filepath.Join(dir, "BENCHMARKS.md")
	var stdout, log bytes.Buffer
	c := config{quick: true, out: out, dir: dir, jobs: 2, runs: 5, openRuns: 3, scale: 1}
	if err := run(context.Background(), c, &stdout, &log); err != nil {
		t.Fatalf("bench -quick: %v\n%s", err, log.String())
	}
	report, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"| figure", "KDF default", "KDF cheap", "unlock an empty wallet", "list ",
		"add a ", "share 3 documents", "small bundles", "peak RSS of add", "peak RSS of get",
		"peak RSS of share", "peak RSS of open", "peak RSS of list", "scan, beyond the KDF", "## Machine", "## How measured"} {
		if !strings.Contains(string(report), want) {
			t.Errorf("report lacks %q:\n%s", want, report)
		}
	}
	if !strings.Contains(stdout.String(), "| figure") {
		t.Errorf("the table was not printed:\n%s", stdout.String())
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), "paspor-bench-") {
			t.Errorf("work folder %s was left behind", e.Name())
		}
	}
}

// TestMain lets the test binary act as the cold-KDF child too: the harness re-executes
// itself (os.Executable) for it, which under go test is this binary.
func TestMain(m *testing.M) {
	if os.Getenv(envColdKDF) == "1" {
		os.Exit(coldKDFChild())
	}
	os.Exit(m.Run())
}
