package export

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
)

// TestSweepStages: a stage recorded in the log and held by no process (its owner was killed)
// is removed by SweepStages, wherever it is, and its record with it; a live stage and its
// record stay; a record of a stage that is gone is dropped; a record that does not name a
// stage is never followed; release removes the record of a stage it ends.
func TestSweepStages(t *testing.T) {
	log := filepath.Join(t.TempDir(), "log")
	outA, outB := t.TempDir(), t.TempDir()

	// A killed owner: the stage and its record exist, nothing holds the lock.
	killed, releaseKilled, err := newStage(outA, log)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(killed, "plain.jpg"), []byte("unverified"), 0o600); err != nil {
		t.Fatal(err)
	}
	records := func() []string {
		es, _ := os.ReadDir(log)
		var n []string
		for _, e := range es {
			n = append(n, e.Name())
		}
		return n
	}
	killedRecord := records()
	if len(killedRecord) != 1 {
		t.Fatalf("records after one stage: %v", killedRecord)
	}
	// Keep the record, drop the lock: what SIGKILL leaves (release would remove both).
	keep, err := os.ReadFile(filepath.Join(log, killedRecord[0]))
	if err != nil {
		t.Fatal(err)
	}
	releaseKilled(false)
	if err := os.WriteFile(filepath.Join(log, killedRecord[0]), keep, 0o600); err != nil {
		t.Fatal(err)
	}

	live, releaseLive, err := newStage(outB, log)
	if err != nil {
		t.Fatal(err)
	}
	defer releaseLive(true)
	gone := filepath.Join(outB, stagePrefix+"gone")
	os.WriteFile(filepath.Join(log, "gone"), []byte(gone), 0o600)
	victim := filepath.Join(t.TempDir(), "not-a-stage")
	if err := os.Mkdir(victim, 0o700); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(log, "foreign"), []byte(victim), 0o600)

	if err := SweepStages(log); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Lstat(killed); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("the killed stage is still there: %v", err)
	}
	if _, err := os.Lstat(live); err != nil {
		t.Fatalf("a live stage was removed: %v", err)
	}
	if _, err := os.Lstat(victim); err != nil {
		t.Fatalf("a folder that is not a stage was removed: %v", err)
	}
	if got := records(); len(got) != 1 || got[0] == killedRecord[0] {
		t.Fatalf("records after the sweep: %v, want only the live stage's", got)
	}
	releaseLive(true)
	if got := records(); len(got) != 0 {
		t.Fatalf("records after release: %v", got)
	}
	if err := SweepStages(filepath.Join(t.TempDir(), "no-log")); err != nil {
		t.Fatalf("a missing log: %v", err)
	}
}
