package main

import (
	"bufio"
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// Ctrl-C (SIGINT) stops a command that is streaming a scan: it exits 130 ("interrupted"),
// stores no document, leaves no temporary file, and the chunks it had written are collected
// by the next writer. The scan comes through a FIFO that the test holds open until paspor has
// printed its interrupt notice (which it does only after cancelling), so the input cannot
// end before paspor has seen the signal: no timing guess.
func TestInterruptDuringAdd(t *testing.T) {
	dir := t.TempDir()
	bin := buildPaspor(t)
	env := append(os.Environ(), "PASPOR_WALLET="+filepath.Join(dir, "w", "wallet.db"),
		"PASPOR_FACTOR_FILE="+filepath.Join(dir, "dev.key"), "PASPOR_PASSPHRASE=pw")
	run := func(args ...string) (string, int) {
		cmd := exec.Command(bin, args...)
		cmd.Env = env
		out, err := cmd.CombinedOutput()
		if ee, ok := err.(*exec.ExitError); ok {
			return string(out), ee.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
		return string(out), 0
	}
	if out, code := run("init", "--kdf-memory", "8", "--kdf-iterations", "1"); code != 0 {
		t.Fatalf("init: %d %s", code, out)
	}
	// More than a segment (8 MiB) before the signal, so paspor is mid-scan when it comes.
	chunk := make([]byte, 1<<20)
	copy(chunk, "%PDF-1.7\n")
	code, stderr := interruptReading(t, bin, env, dir, filepath.Join(dir, "scan.pdf"), bytes.Repeat(chunk, 12), chunk,
		"add", "bank_statement", "--file", filepath.Join(dir, "scan.pdf"))
	if code != exitInterrupted {
		t.Fatalf("exit code %d, want %d; stderr: %s", code, exitInterrupted, stderr)
	}
	if want := interruptNotice + "\npaspor: error: interrupted\n"; stderr != want {
		t.Errorf("stderr %q, want %q (the notice, then the error)", stderr, want)
	}
	if out, _ := run("list", "--json"); strings.TrimSpace(out) != "[]" {
		t.Errorf("a document was stored after the interrupt: %s", out)
	}
	entries, _ := os.ReadDir(filepath.Join(dir, "w"))
	for _, e := range entries {
		if e.Name() != "wallet.db" && e.Name() != "wallet.db.blobs" {
			t.Errorf("left behind in the wallet folder: %s", e.Name())
		}
	}
	// The interrupted add removed its own blob file: list is a reader and collects nothing.
	blobs, _ := os.ReadDir(filepath.Join(dir, "w", "wallet.db.blobs"))
	for _, e := range blobs {
		t.Errorf("left behind in the blob folder: %s", e.Name())
	}
}

// README: a scan may come from a pipe (--file <(gpg -d scan.pdf.gpg)); it is stored whole
// and comes back byte-identical.
func TestAddFromPipe(t *testing.T) {
	dir := t.TempDir()
	bin := buildPaspor(t)
	env := append(os.Environ(), "PASPOR_WALLET="+filepath.Join(dir, "wallet.db"),
		"PASPOR_FACTOR_FILE="+filepath.Join(dir, "dev.key"), "PASPOR_PASSPHRASE=pw")
	run := func(args ...string) string {
		cmd := exec.Command(bin, args...)
		cmd.Env = env
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("paspor %s: %v", strings.Join(args, " "), err)
		}
		return strings.TrimSpace(string(out))
	}
	run("init", "--kdf-memory", "8", "--kdf-iterations", "1")
	fifo := filepath.Join(dir, "scan.pdf")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	scan := bytes.Repeat([]byte("%PDF-1.7\n0123456789\n"), 200_000) // 4 MiB
	go func() {
		w, err := os.OpenFile(fifo, os.O_WRONLY, 0)
		if err == nil {
			w.Write(scan)
			w.Close()
		}
	}()
	id := run("add", "bank_statement", "--file", fifo)
	out := filepath.Join(dir, "out.pdf")
	run("get", id, "file/1", "-o", out)
	got, err := os.ReadFile(out)
	if err != nil || !bytes.Equal(got, scan) {
		t.Fatalf("scan from a pipe came back different (err %v, %d bytes)", err, len(got))
	}
}

// interruptReading runs paspor with args in dir, one of whose inputs is the FIFO fifo, writes
// before into it and then sends SIGINT while paspor waits on it for more. The FIFO is held
// open until paspor prints its interrupt notice (the context is cancelled by then); only then
// is after written and the FIFO closed, so that paspor has the whole input and may only stop
// because of the signal: no timing guess. It returns the exit code and stderr.
func interruptReading(t *testing.T, bin string, env []string, dir, fifo string, before, after []byte, args ...string) (int, string) {
	t.Helper()
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, args...)
	cmd.Env = env
	cmd.Dir = dir
	errPipe, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var stderr strings.Builder
	noticed, stderrDone := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(stderrDone)
		sc := bufio.NewScanner(errPipe)
		seen := false
		for sc.Scan() {
			stderr.WriteString(sc.Text() + "\n")
			if !seen && sc.Text() == interruptNotice {
				seen = true
				close(noticed)
			}
		}
	}()
	w, err := os.OpenFile(fifo, os.O_WRONLY, 0) // blocks until paspor opens the FIFO
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Write(before); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	select {
	case <-noticed:
	case <-stderrDone:
		t.Fatalf("paspor exited without the interrupt notice; stderr: %s", stderr.String())
	case <-time.After(15 * time.Second):
		cmd.Process.Kill()
		t.Fatal("paspor did not report SIGINT")
	}
	writerDone := make(chan struct{})
	go func() {
		defer close(writerDone)
		_, _ = w.Write(after) // EPIPE when paspor stopped reading: expected
		w.Close()
	}()
	done := make(chan error, 1)
	go func() {
		<-stderrDone
		done <- cmd.Wait()
	}()
	select {
	case <-done:
	case <-time.After(15 * time.Second):
		cmd.Process.Kill()
		t.Fatal("paspor did not stop after SIGINT")
	}
	<-writerDone
	return cmd.ProcessState.ExitCode(), stderr.String()
}
