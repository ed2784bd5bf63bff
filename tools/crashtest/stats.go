package main

import (
	"fmt"
	"io"
	"time"
)

// kindStats counts how the runs of one command ended.
type kindStats struct {
	runs        int
	killed      int // SIGKILL landed
	killedOld   int // of those, the wallet showed the state before the command
	killedNew   int // ... or the state after it
	raced       int // a kill was planned but the command had already exited 0
	clean       int // no kill planned, exit 0
	totalKillMS float64
}

// stats is what the run checked; print writes it for the report and SECURITY.md.
type stats struct {
	seed            uint64
	dir             string
	ops             int
	kinds           map[string]*kindStats
	storeChecks     int // bbolt tx.Check passes
	snapshots       int // full read-back of list/show/history
	docsVerified    int // document comparisons (fields, roles, sizes, hashes)
	attsRead        int // attachments read back with paspor get and hashed
	bytesRead       int64
	orphansSeen     int // blobs marked pending after a kill
	orphansCollect  int // of those, deleted by a later writer's unlock
	pendingRepaired int // staged key files a later writer promoted or discarded
	passOld         int // killed passphrase changes where only the old passphrase unlocks
	passNew         int // ... where only the new one unlocks
	rotate          map[string]int
	started         time.Time
}

func newStats(seed uint64, dir string) *stats {
	s := &stats{seed: seed, dir: dir, kinds: map[string]*kindStats{}, rotate: map[string]int{}, started: time.Now()}
	for _, k := range opKinds {
		s.kinds[k] = &kindStats{}
	}
	return s
}

func (s *stats) kills() int {
	n := 0
	for _, k := range s.kinds {
		n += k.killed
	}
	return n
}

func (s *stats) print(w io.Writer) {
	if s == nil {
		return
	}
	fmt.Fprintf(w, "crashtest: seed %d, folder %s, %v\n", s.seed, s.dir, time.Since(s.started).Round(time.Second))
	fmt.Fprintf(w, "operations: %d, killed: %d\n", s.ops, s.kills())
	fmt.Fprintf(w, "  %-10s %5s %7s %9s %9s %7s %6s %9s\n", "command", "runs", "killed", "old-state", "new-state", "raced", "clean", "mean-kill")
	clean := 0
	for _, k := range opKinds {
		ks := s.kinds[k]
		clean += ks.raced + ks.clean
		mean := 0.0
		if ks.killed > 0 {
			mean = ks.totalKillMS / float64(ks.killed)
		}
		fmt.Fprintf(w, "  %-10s %5d %7d %9d %9d %7d %6d %7.0fms\n", k, ks.runs, ks.killed, ks.killedOld, ks.killedNew, ks.raced, ks.clean, mean)
	}
	fmt.Fprintf(w, "clean exits: %d (raced: a kill was planned but came after exit 0)\n", clean)
	fmt.Fprintf(w, "bbolt consistency checks: %d passed\n", s.storeChecks)
	fmt.Fprintf(w, "wallet read-backs: %d, documents verified: %d, attachments read and hashed: %d (%.0f MiB)\n",
		s.snapshots, s.docsVerified, s.attsRead, mib(s.bytesRead))
	fmt.Fprintf(w, "orphaned blobs: %d left by kills, %d collected by the next writer\n", s.orphansSeen, s.orphansCollect)
	fmt.Fprintf(w, "passphrase kills: %d only old unlocks, %d only new unlocks, 0 neither, 0 both\n", s.passOld, s.passNew)
	fmt.Fprintf(w, "factor rotate kills: %d not staged (old), %d staged not committed (old), %d committed not promoted (new), %d promoted (new); staged key files repaired by a later writer: %d\n",
		s.rotate[rotNotStaged], s.rotate[rotStaged], s.rotate[rotCommitted], s.rotate[rotPromoted], s.pendingRepaired)
}
