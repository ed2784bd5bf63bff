package request

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

func entry(n int) ReplayEntry {
	return ReplayEntry{
		RequestID: fmt.Sprintf("%032x", n), Nonce: fmt.Sprintf("%032x", n+1<<20), BundleID: fmt.Sprintf("%032x", n+2<<20),
		SeenAt: testNow, ExpiresAt: testNow.Add(24 * time.Hour),
	}
}

func TestReplayStore(t *testing.T) {
	path := filepath.Join(t.TempDir(), "replay.json")
	s := NewReplayStore(path)
	if err := s.Record(entry(1), testNow); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("store file: %v %v", fi, err)
	}
	before, _ := os.ReadFile(path)
	sameNonce := entry(2)
	sameNonce.Nonce = entry(1).Nonce
	sameID := entry(3)
	sameID.RequestID = entry(1).RequestID
	for _, e := range []ReplayEntry{entry(1), sameNonce, sameID} {
		wantReason(t, s.Record(e, testNow), ReasonReplay)
	}
	if after, _ := os.ReadFile(path); string(after) != string(before) {
		t.Fatal("a refused replay changed the store")
	}
	if seen, err := s.Seen(entry(1).Nonce); err != nil || !seen {
		t.Fatalf("Seen = %v, %v", seen, err)
	}
	if seen, err := s.Seen(entry(9).Nonce); err != nil || seen {
		t.Fatalf("Seen(unknown) = %v, %v", seen, err)
	}
	// Past the bundle's expiry the entry is dropped: the bundle is refused as expired anyway.
	later := testNow.Add(25 * time.Hour)
	e4 := entry(4)
	e4.ExpiresAt = later.Add(time.Hour)
	if err := s.Record(e4, later); err != nil {
		t.Fatal(err)
	}
	if err := s.Record(entry(1), later); err != nil {
		t.Fatalf("expired entry kept: %v", err)
	}
	// A new instance (another process) sees what was recorded.
	wantReason(t, NewReplayStore(path).Record(e4, later), ReasonReplay)
}

func TestReplayStoreCorrupt(t *testing.T) {
	path := filepath.Join(t.TempDir(), "replay.json")
	for _, content := range []string{"", "{", `{"format":"paspor-replay/2","entries":[]}`, `{"format":"paspor-replay/1","entries":[],"Format":"x"}`} {
		if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		err := NewReplayStore(path).Record(entry(1), testNow)
		var re *RejectedError
		if err == nil || errors.As(err, &re) {
			t.Fatalf("%q: err = %v, want a plain error (never a reset)", content, err)
		}
		if got, _ := os.ReadFile(path); string(got) != content {
			t.Fatalf("%q: a corrupt store was overwritten", content)
		}
	}
	if err := NewReplayStore(filepath.Join(t.TempDir(), "r")).Record(ReplayEntry{RequestID: "x"}, testNow); err == nil {
		t.Fatal("malformed entry recorded")
	}
}

// TestReplayStoreConcurrent: many recorders at once (each with its own lock handle, as
// processes have) lose no entry, and of those racing with one nonce exactly one wins.
func TestReplayStoreConcurrent(t *testing.T) {
	path := filepath.Join(t.TempDir(), "replay.json")
	const n = 16
	var wg sync.WaitGroup
	errs := make([]error, 2*n)
	for i := range n {
		wg.Add(2)
		go func() { defer wg.Done(); errs[i] = NewReplayStore(path).Record(entry(100+i), testNow) }()
		go func() {
			defer wg.Done()
			e := entry(200 + i)
			e.Nonce = strings.Repeat("f", 32)
			errs[n+i] = NewReplayStore(path).Record(e, testNow)
		}()
	}
	wg.Wait()
	for i := range n {
		if errs[i] != nil {
			t.Fatalf("distinct entry %d: %v", i, errs[i])
		}
	}
	wins := 0
	for _, err := range errs[n:] {
		if err == nil {
			wins++
		} else {
			wantReason(t, err, ReasonReplay)
		}
	}
	if wins != 1 {
		t.Fatalf("%d recorders of one nonce succeeded, want 1", wins)
	}
	for i := range n {
		if seen, err := NewReplayStore(path).Seen(entry(100 + i).Nonce); err != nil || !seen {
			t.Fatalf("entry %d lost: %v %v", i, seen, err)
		}
	}
}

// TestReplayStoreProcesses: separate processes racing on one nonce; exactly one records it.
func TestReplayStoreProcesses(t *testing.T) {
	if path := os.Getenv("PASPOR_TEST_REPLAY_CHILD"); path != "" {
		e := entry(300)
		e.RequestID = os.Getenv("PASPOR_TEST_REPLAY_ID")
		err := NewReplayStore(path).Record(e, testNow)
		var re *RejectedError
		switch {
		case err == nil:
			fmt.Println("recorded")
		case errors.As(err, &re) && re.Reason == ReasonReplay:
			fmt.Println("replay")
		default:
			fmt.Println("error:", err)
		}
		return
	}
	path := filepath.Join(t.TempDir(), "replay.json")
	const n = 6
	cmds := make([]*exec.Cmd, n)
	outs := make([]*strings.Builder, n)
	for i := range n {
		cmds[i] = exec.Command(os.Args[0], "-test.run=^TestReplayStoreProcesses$", "-test.count=1")
		cmds[i].Env = append(os.Environ(), "PASPOR_TEST_REPLAY_CHILD="+path, fmt.Sprintf("PASPOR_TEST_REPLAY_ID=%032x", 400+i))
		outs[i] = &strings.Builder{}
		cmds[i].Stdout = outs[i]
		if err := cmds[i].Start(); err != nil {
			t.Fatal(err)
		}
	}
	recorded := 0
	for i, cmd := range cmds {
		if err := cmd.Wait(); err != nil {
			t.Fatalf("child %d: %v: %s", i, err, outs[i])
		}
		switch out := outs[i].String(); {
		case strings.HasPrefix(out, "recorded"):
			recorded++
		case strings.HasPrefix(out, "replay"):
		default:
			t.Fatalf("child %d: %s", i, out)
		}
	}
	if recorded != 1 {
		t.Fatalf("%d processes recorded one nonce, want 1", recorded)
	}
}
