package main

import (
	"bytes"
	"crypto/sha256"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// memoryLimitKiB is the bound paspor keeps for a 512 MiB scan (README, SECURITY.md), with the margin taken from the
// test: the process must stay under it whatever the file size.
const memoryLimitKiB = 64 * 1024

// TestLargeScanMemory adds a 512 MiB scan through the real binary and reads it back, and
// checks each process's peak resident set (VmHWM, which the binary built for this test
// writes out as it exits) stays under 64 MiB, and that the content comes back
// byte-identical. It is not timed.
func TestLargeScanMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("writes 1 GiB of wallet and output; skipped with -short")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "paspor")
	hwm := filepath.Join(dir, "vmhwm")
	build := exec.Command("go", "build", "-o", bin, "-ldflags", "-X main.testOnlyPeakRSSFile="+hwm, ".")
	build.Env = append(os.Environ(), "GOFLAGS=-buildvcs=false") // never a -race build: it would measure the detector
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	scan := filepath.Join(dir, "scan.pdf")
	makeSparseScan(t, scan, 512<<20)
	env := append(os.Environ(), "PASPOR_WALLET="+filepath.Join(dir, "w", "wallet.db"),
		"PASPOR_FACTOR_FILE="+filepath.Join(dir, "dev.key"), "PASPOR_PASSPHRASE=pw", "GOMEMLIMIT=")
	run := func(args ...string) (string, int64) {
		cmd := exec.Command(bin, args...)
		cmd.Env = env
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		if err := cmd.Run(); err != nil {
			t.Fatalf("paspor %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
		}
		return strings.TrimSpace(stdout.String()), readKiB(t, hwm)
	}
	run("init", "--kdf-memory", "8", "--kdf-iterations", "1")
	id, addKiB := run("add", "bank_statement", "--file", scan, "--max-file-size", "1GiB")
	out := filepath.Join(dir, "out.pdf")
	_, getKiB := run("get", id, "file/1", "-o", out)
	t.Logf("peak RSS: add %d KiB, get %d KiB (limit %d KiB)", addKiB, getKiB, memoryLimitKiB)
	if addKiB >= memoryLimitKiB {
		t.Errorf("add of a 512 MiB scan peaked at %d KiB, limit %d KiB", addKiB, memoryLimitKiB)
	}
	if getKiB >= memoryLimitKiB {
		t.Errorf("get of a 512 MiB scan peaked at %d KiB, limit %d KiB", getKiB, memoryLimitKiB)
	}
	if fileSHA256(t, out) != fileSHA256(t, scan) {
		t.Fatal("get returned different bytes")
	}
}

// makeSparseScan writes a PDF header and extends the file to size without writing the
// rest, so the test does not spend a disk write on its input.
func makeSparseScan(t *testing.T, path string, size int64) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.WriteString("%PDF-1.7\n% large scan\n"); err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(size); err != nil {
		t.Fatal(err)
	}
}

func fileSHA256(t *testing.T, path string) [32]byte {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		t.Fatal(err)
	}
	var sum [32]byte
	copy(sum[:], h.Sum(nil))
	return sum
}

// readKiB reads a VmHWM value ("40136 kB") the binary wrote.
func readKiB(t *testing.T, path string) int64 {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("the binary did not report its VmHWM: %v", err)
	}
	n, err := strconv.ParseInt(strings.TrimSuffix(string(b), " kB"), 10, 64)
	if err != nil {
		t.Fatalf("VmHWM %q: %v", b, err)
	}
	os.Remove(path)
	return n
}
