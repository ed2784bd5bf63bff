package main

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestLockReadersShareWriterWaits holds two readers inside the wallet at once (two `get`
// processes streaming a 1 MiB scan into pipes nobody reads yet: each blocks mid-copy with
// its shared lock held). Meanwhile a third reader (list, show) gets in without waiting,
// a writer with --lock-wait 0 is refused (exit 6), and a writer with a long --lock-wait is
// seen waiting on the wallet; once the pipes are drained, both scans arrive intact and the
// writer's change lands.
func TestLockReadersShareWriterWaits(t *testing.T) {
	dir := t.TempDir()
	bin := buildPaspor(t)
	walletPath := filepath.Join(dir, "w", "wallet.db")
	env := append(os.Environ(), "PASPOR_WALLET="+walletPath, "PASPOR_FACTOR_FILE="+filepath.Join(dir, "dev.key"),
		"PASPOR_PASSPHRASE=pw", "NO_COLOR=1", "GOMEMLIMIT=")
	mustRun := func(args ...string) string {
		t.Helper()
		r := runPaspor(bin, env, args...)
		if r.code != 0 {
			t.Fatalf("paspor %s: exit %d: %s", strings.Join(args, " "), r.code, r.stderr)
		}
		return strings.TrimSpace(r.stdout)
	}
	mustRun("init", "--kdf-memory", "8", "--kdf-iterations", "1")
	scan := writeLockScan(t, dir, "front")
	id := mustRun("add", "passport", "--field", "document_no=R1", "--front", scan.path)

	type reader struct {
		cmd  *exec.Cmd
		out  io.ReadCloser
		head []byte
	}
	var readers []*reader
	for range 2 {
		cmd := exec.Command(bin, "--lock-wait", "0", "get", id, "front_side", "-o", "-")
		cmd.Env = env
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
		// The first bytes are the handshake: this reader holds its shared lock and streams.
		head := make([]byte, 1)
		if _, err := io.ReadFull(out, head); err != nil {
			t.Fatalf("reader: %v", err)
		}
		readers = append(readers, &reader{cmd, out, head})
	}

	// Two readers are inside; a third gets in at once, a writer does not.
	var list []map[string]any
	if err := json.Unmarshal([]byte(mustRun("--lock-wait", "0", "list", "--json")), &list); err != nil || len(list) != 1 {
		t.Fatalf("list while two readers hold the wallet: %v, %v", list, err)
	}
	mustRun("--lock-wait", "0", "show", id)
	if r := runPaspor(bin, env, "--lock-wait", "0", "edit", id, "--label", "refused"); r.code != exitWalletInUse {
		t.Fatalf("edit --lock-wait 0 while readers hold the wallet: exit %d, want %d: %s", r.code, exitWalletInUse, r.stderr)
	}

	writer := exec.Command(bin, "--lock-wait", "2m", "edit", id, "--label", "after the readers")
	writer.Env = env
	var werr strings.Builder
	writer.Stderr = &werr
	if err := writer.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = writer.Process.Kill() })
	// Three processes have the wallet open: the readers and the writer, which therefore
	// waits for them (it cannot have finished: the readers still hold their locks).
	if err := waitOpenElsewhere(walletPath, 3, processBound); err != nil {
		t.Fatal(err)
	}

	for i, r := range readers {
		h := sha256.New()
		h.Write(r.head)
		if _, err := io.Copy(h, r.out); err != nil {
			t.Fatalf("reader %d: %v", i, err)
		}
		if err := r.cmd.Wait(); err != nil {
			t.Fatalf("reader %d: %v", i, err)
		}
		if got := hex.EncodeToString(h.Sum(nil)); got != scan.sum {
			t.Errorf("reader %d: scan sha256 %s, want %s", i, got, scan.sum)
		}
	}
	if err := writer.Wait(); err != nil {
		t.Fatalf("writer: %v: %s", err, werr.String())
	}
	if out := mustRun("show", id, "--json"); !strings.Contains(out, `"label": "after the readers"`) {
		t.Errorf("the waiting writer's edit did not land:\n%s", out)
	}
}
