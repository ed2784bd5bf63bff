package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// killWhen starts paspor with args and env, waits until seen reports that it is in the middle
// of writing plaintext, and SIGKILLs it. It reports false when paspor finished first (a fast
// machine can win the race for a small file); the caller then tries again.
func killWhen(t *testing.T, bin string, env []string, seen func(pid int) bool, args ...string) bool {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Env = env
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	deadline := time.Now().Add(time.Minute)
	for time.Now().Before(deadline) {
		select {
		case err := <-exited:
			t.Logf("paspor %s ended before it was caught writing (%v): %s", args[0], err, stderr.String())
			return false
		default:
		}
		if seen(cmd.Process.Pid) {
			cmd.Process.Signal(syscall.SIGKILL)
			<-exited
			return true
		}
		time.Sleep(100 * time.Microsecond) // polls a condition; nothing depends on how long
	}
	cmd.Process.Kill()
	<-exited
	t.Fatalf("paspor %s was never seen writing", args[0])
	return false
}

// killEnv makes a wallet in dir holding a 64 MiB scan and returns the binary, the environment
// and the document ID.
func killEnv(t *testing.T, dir string) (string, []string, string) {
	bin := buildPaspor(t)
	env := append(os.Environ(), "PASPOR_WALLET="+filepath.Join(dir, "w", "wallet.db"),
		"PASPOR_FACTOR_FILE="+filepath.Join(dir, "dev.key"), "PASPOR_PASSPHRASE=pw", "GOMEMLIMIT=",
		"XDG_STATE_HOME="+filepath.Join(dir, "state"))
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
	scan := filepath.Join(dir, "scan.pdf")
	makeSparseScan(t, scan, 64<<20)
	return bin, env, run("add", "bank_statement", "--file", scan)
}

// TestKillDuringGet: SIGKILL while get -o writes a scan leaves no file, named or temporary,
// in the output folder: on Linux the file has no name until it is complete.
func TestKillDuringGet(t *testing.T) {
	if testing.Short() {
		t.Skip("writes a 64 MiB scan; skipped with -short")
	}
	dir := t.TempDir()
	bin, env, id := killEnv(t, dir)
	out := filepath.Join(dir, "out")
	if err := os.Mkdir(out, 0o700); err != nil {
		t.Fatal(err)
	}
	// An unnamed file shows in /proc/PID/fd as "<folder>/#<inode> (deleted)".
	writing := func(pid int) bool {
		fds, _ := os.ReadDir("/proc/" + strconv.Itoa(pid) + "/fd")
		for _, fd := range fds {
			target, err := os.Readlink("/proc/" + strconv.Itoa(pid) + "/fd/" + fd.Name())
			if err == nil && strings.HasPrefix(target, out+"/") {
				return true
			}
		}
		return false
	}
	for attempt := 0; ; attempt++ {
		if killWhen(t, bin, env, writing, "get", id, "file/1", "-o", filepath.Join(out, "scan.pdf")) {
			break
		}
		os.Remove(filepath.Join(out, "scan.pdf"))
		if attempt == 4 {
			t.Fatal("paspor get finished before it could be killed, 5 times")
		}
	}
	if entries, _ := os.ReadDir(out); len(entries) != 0 {
		t.Fatalf("SIGKILL during get -o left %v", names(entries))
	}
}

// TestKillDuringOpen: SIGKILL while open -o stages a bundle leaves a staging folder; the next
// paspor command of any kind removes it. (The next open into the same folder, even of a
// bundle it rejects, does too: export's TestStaleStageRemovedByRejectedOpen.)
func TestKillDuringOpen(t *testing.T) {
	if testing.Short() {
		t.Skip("writes a 64 MiB bundle; skipped with -short")
	}
	dir := t.TempDir()
	bin, env, _ := killEnv(t, dir)
	key := filepath.Join(dir, "partner.key")
	cmd := exec.Command(bin, "partner", "keygen", "--classic", "-o", key)
	cmd.Env = env
	recipient, err := cmd.Output()
	if err != nil {
		t.Fatal(err)
	}
	bundle := filepath.Join(dir, "b.age")
	cmd = exec.Command(bin, "share", "bank_statement", "-r", strings.TrimSpace(string(recipient)), "-o", bundle)
	cmd.Env = env
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("share: %v\n%s", err, out)
	}
	out := filepath.Join(dir, "received")
	staged := func(int) bool {
		matches, _ := filepath.Glob(filepath.Join(out, ".paspor-open-*", "files", "*", "*"))
		return len(matches) > 0
	}
	for attempt := 0; ; attempt++ {
		if killWhen(t, bin, env, staged, "open", bundle, "-i", key, "-o", out) {
			break
		}
		os.RemoveAll(out)
		if attempt == 4 {
			t.Fatal("paspor open finished before it could be killed, 5 times")
		}
	}
	if left, _ := filepath.Glob(filepath.Join(out, ".paspor-open-*")); len(left) != 1 {
		t.Fatalf("after SIGKILL: %v, want one staging folder", left)
	}
	// The next paspor command of any kind, one that never looks at that folder, sweeps it
	// (the stage was recorded under XDG_STATE_HOME), and its record with it.
	cmd = exec.Command(bin, "version")
	cmd.Env = env
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("version: %v\n%s", err, out)
	}
	if entries, _ := os.ReadDir(out); len(entries) != 0 {
		t.Fatalf("after the next command, %s holds %v", out, names(entries))
	}
	if records, _ := os.ReadDir(filepath.Join(dir, "state", "paspor", "staging")); len(records) != 0 {
		t.Fatalf("after the sweep, stage records %v remain", names(records))
	}
}

func names(es []os.DirEntry) []string {
	var n []string
	for _, e := range es {
		n = append(n, e.Name())
	}
	return n
}
