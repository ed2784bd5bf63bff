package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

// processBound is how long one paspor process may take: a hang bound, not a timing goal
// (the lock gives up after about a second, S10).
const processBound = 15 * time.Second

// lockRun is one process of a round and how it ended.
type lockRun struct {
	kind   string // add, edit, list, get
	arg    string // add: the document_no; edit: the label
	scan   string // add: the scan's SHA-256
	file   string // add: the scan's path
	code   int
	stdout string
	stderr string
}

// TestLockManyWriters runs rounds of concurrent paspor processes against one wallet: six
// adds with small scans, two edits and two readers at once. Each must end with success or
// "wallet is in use" (exit 6) within processBound; afterwards bbolt's consistency check
// passes, every document whose add exited 0 is listed and intact, and nothing else appears
// (S10).
func TestLockManyWriters(t *testing.T) {
	dir := t.TempDir()
	bin := buildPaspor(t)
	walletPath := filepath.Join(dir, "w", "wallet.db")
	env := append(os.Environ(), "PASPOR_WALLET="+walletPath, "PASPOR_FACTOR_FILE="+filepath.Join(dir, "dev.key"),
		"PASPOR_PASSPHRASE=pw", "NO_COLOR=1", "GOMEMLIMIT=")
	mustRun := func(args ...string) string {
		r := runPaspor(bin, env, args...)
		if r.code != 0 {
			t.Fatalf("paspor %s: exit %d: %s", strings.Join(args, " "), r.code, r.stderr)
		}
		return strings.TrimSpace(r.stdout)
	}
	// A KDF of about a tenth of a second per unlock, taken under the lock, makes ten processes
	// queue for longer than the one-second lock timeout, so both outcomes occur.
	mustRun("init", "--kdf-memory", "32", "--kdf-iterations", "2")
	seedScan := writeLockScan(t, dir, "seed")
	seed := mustRun("add", "passport", "--field", "document_no=SEED", "--front", seedScan.path)

	counts := map[string]map[int]int{} // kind -> exit code -> processes
	added := map[string]lockRun{}      // document_no -> the add that exited 0
	labels := map[string]bool{"": true}
	for round := 0; round < 3; round++ {
		for _, r := range lockRound(t, bin, env, dir, round, seed) {
			if counts[r.kind] == nil {
				counts[r.kind] = map[int]int{}
			}
			counts[r.kind][r.code]++
			checkLockExit(t, r)
			switch {
			case r.code == 0 && r.kind == "add":
				added[r.arg] = r
			case r.code == 0 && r.kind == "edit":
				labels[r.arg] = true
			}
		}
	}
	for _, kind := range []string{"add", "edit", "list", "get"} {
		t.Logf("%-4s: %d succeeded, %d refused with wallet is in use", kind, counts[kind][0], counts[kind][exitWalletInUse])
	}
	if len(added) == 0 {
		t.Error("no add succeeded: the test did not exercise concurrent writes")
	}
	checkBoltConsistent(t, walletPath)
	checkLockedWallet(t, bin, env, seed, seedScan.sum, added, labels)
}

// lockRound starts every process of one round at once and waits for all of them.
func lockRound(t *testing.T, bin string, env []string, dir string, round int, seed string) []lockRun {
	var runs []lockRun
	for i := 0; i < 6; i++ {
		docNo := fmt.Sprintf("R%dA%d", round, i)
		scan := writeLockScan(t, dir, docNo)
		runs = append(runs, lockRun{kind: "add", arg: docNo, scan: scan.sum, file: scan.path})
	}
	for i := 0; i < 2; i++ {
		runs = append(runs, lockRun{kind: "edit", arg: fmt.Sprintf("round %d edit %d", round, i)})
	}
	runs = append(runs, lockRun{kind: "list"}, lockRun{kind: "get"})
	var wg sync.WaitGroup
	for i := range runs {
		r := &runs[i]
		var args []string
		switch r.kind {
		case "add":
			args = []string{"add", "passport", "--field", "document_no=" + r.arg, "--front", r.file}
		case "edit":
			args = []string{"edit", seed, "--label", r.arg}
		case "list":
			args = []string{"list", "--json"}
		case "get":
			args = []string{"get", seed, "front_side"}
		}
		wg.Go(func() {
			res := runPaspor(bin, env, args...)
			r.code, r.stdout, r.stderr = res.code, res.stdout, res.stderr
		})
	}
	wg.Wait()
	return runs
}

// checkLockExit accepts success or "wallet is in use" and nothing else.
func checkLockExit(t *testing.T, r lockRun) {
	t.Helper()
	switch r.code {
	case 0:
	case exitWalletInUse:
		if !strings.Contains(r.stderr, "wallet is in use") {
			t.Errorf("%s %s: exit 6 without the in-use message: %s", r.kind, r.arg, r.stderr)
		}
	default:
		t.Errorf("%s %s: exit %d: %s", r.kind, r.arg, r.code, r.stderr)
	}
}

// checkBoltConsistent runs bbolt's own page-level consistency check on the wallet file.
func checkBoltConsistent(t *testing.T, path string) {
	t.Helper()
	db, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true, Timeout: time.Second})
	if err != nil {
		t.Fatalf("open wallet for the consistency check: %v", err)
	}
	defer db.Close()
	err = db.View(func(tx *bolt.Tx) error {
		var errs []error
		for err := range tx.Check() {
			errs = append(errs, err)
		}
		return errors.Join(errs...)
	})
	if err != nil {
		t.Errorf("bbolt consistency check: %v", err)
	}
}

// checkLockedWallet lists the wallet and reads back every document: exactly the seed and the
// adds that exited 0, each with its number and scan; the seed's label one that an edit set.
func checkLockedWallet(t *testing.T, bin string, env []string, seed, seedSum string, added map[string]lockRun, labels map[string]bool) {
	t.Helper()
	r := runPaspor(bin, env, "list", "--json")
	var list []struct {
		ID    string `json:"id"`
		Label string `json:"label"`
	}
	if r.code != 0 || json.Unmarshal([]byte(r.stdout), &list) != nil {
		t.Fatalf("list after the rounds: exit %d: %s%s", r.code, r.stdout, r.stderr)
	}
	seen := map[string]bool{}
	for _, d := range list {
		var doc struct {
			Fields map[string]string `json:"fields"`
		}
		show := runPaspor(bin, env, "show", d.ID, "--json")
		if show.code != 0 || json.Unmarshal([]byte(show.stdout), &doc) != nil {
			t.Errorf("show %s: exit %d: %s", d.ID, show.code, show.stderr)
			continue
		}
		docNo := doc.Fields["document_no"]
		want, ok := added[docNo]
		switch {
		case d.ID == seed:
			want.scan = seedSum
			if !labels[d.Label] {
				t.Errorf("seed label %q was set by no edit that exited 0", d.Label)
			}
		case !ok:
			t.Errorf("document %s (%s) appeared, but no add of it exited 0", d.ID, docNo)
			continue
		case strings.TrimSpace(want.stdout) != d.ID:
			t.Errorf("document %s has number %s, but that add printed ID %q", d.ID, docNo, want.stdout)
		}
		seen[docNo] = true
		get := runPaspor(bin, env, "get", d.ID, "front_side")
		if sum := sha256.Sum256([]byte(get.stdout)); get.code != 0 || hex.EncodeToString(sum[:]) != want.scan {
			t.Errorf("document %s (%s): scan differs (exit %d: %s)", d.ID, docNo, get.code, get.stderr)
		}
	}
	for docNo := range added {
		if !seen[docNo] {
			t.Errorf("add of %s exited 0, but the document is not listed", docNo)
		}
	}
}

type lockScan struct{ path, sum string }

// writeLockScan writes a small random PNG (the lock is under test, not the chunking) and
// returns its path and SHA-256.
func writeLockScan(t *testing.T, dir, name string) lockScan {
	t.Helper()
	b := make([]byte, 1<<20)
	rand.Read(b)
	copy(b, "\x89PNG\r\n\x1a\n")
	path := filepath.Join(dir, name+".png")
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(b)
	return lockScan{path, hex.EncodeToString(sum[:])}
}

// runPaspor runs the binary with a hang bound; a process that outruns it is killed and
// reported with exit code -1.
func runPaspor(bin string, env []string, args ...string) lockRun {
	ctx, cancel := context.WithTimeout(context.Background(), processBound)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = env
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	r := lockRun{stdout: stdout.String(), stderr: stderr.String()}
	var exit *exec.ExitError
	switch {
	case ctx.Err() != nil:
		r.code, r.stderr = -1, fmt.Sprintf("still running after %s (killed): %s", processBound, r.stderr)
	case errors.As(err, &exit):
		r.code = exit.ExitCode()
	case err != nil:
		r.code, r.stderr = -1, err.Error()
	}
	return r
}
