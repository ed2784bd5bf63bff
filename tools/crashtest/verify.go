package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
)

// afterKill works out which state a killed command left, checks that it is exactly the
// state before or the state after, and moves the model there.
func (r *runner) afterKill(o *op) error {
	facts, err := r.storeFacts()
	if err != nil {
		return err
	}
	switch o.kind {
	case "passphrase":
		if err := r.checkPassphraseKill(o); err != nil {
			return err
		}
	case "rotate":
		if err := r.checkRotationKill(o); err != nil {
			return err
		}
	}
	snap, err := r.snapshot()
	if err != nil {
		return err
	}
	if err := r.resolveKilled(o, snap); err != nil {
		return err
	}
	r.st.docsVerified += len(r.m.Docs)
	if got, want := facts.blobs-len(facts.pending), r.m.attachments(); got != want {
		return fmt.Errorf("%d committed blobs, want %d (one per attachment)", got, want)
	}
	return r.checkContents(o.touched, false)
}

// resolveKilled checks that the wallet shows exactly the state before or the state after the
// killed command, and moves the model there.
func (r *runner) resolveKilled(o *op, snap snapshot) error {
	if o.kind == "passphrase" || o.kind == "rotate" || o.kind == "compact" {
		// Documents are not touched by a slot rewrite or a compaction: the only state is the
		// one before.
		if _, why := r.m.match(snap, ""); why != "" {
			return fmt.Errorf("wallet changed by a killed %s: %s", o.kind, why)
		}
		return nil
	}
	ks := r.st.kinds[o.kind]
	_, whyOld := o.before.match(snap, "")
	newID, whyNew := o.after.match(snap, newDocID)
	switch {
	case whyOld == "" && whyNew == "":
		return fmt.Errorf("old and new state both match (bug in crashtest's model)")
	case whyOld == "":
		ks.killedOld++
		return nil
	case whyNew != "":
		return fmt.Errorf("wallet is neither the state before (%s) nor after (%s) the killed command", whyOld, whyNew)
	}
	ks.killedNew++
	r.m.Docs, r.m.Shares = o.after.clone().Docs, o.after.Shares
	if newID != "" {
		d := r.m.Docs[newDocID]
		delete(r.m.Docs, newDocID)
		d.ID = newID
		r.m.Docs[newID] = d
		o.touched = []string{newID}
	}
	if o.kind == "share" {
		// The bundle is linked into place before the share is recorded.
		if _, err := os.Stat(o.bundle); err != nil {
			return fmt.Errorf("share recorded in the history but no bundle: %w", err)
		}
	}
	return nil
}

// checkCleanWriter checks what any writer that exited 0 leaves: its unlock collected every
// pending blob, and settled any rotation a kill interrupted.
func (r *runner) checkCleanWriter() error {
	facts, err := r.storeFacts()
	if err != nil {
		return err
	}
	if len(facts.pending) != 0 {
		return fmt.Errorf("%d blobs still marked pending after a writer exited 0 (orphans not collected)", len(facts.pending))
	}
	if got, want := facts.blobs, r.m.attachments(); got != want {
		return fmt.Errorf("%d blobs, want %d (one per attachment)", got, want)
	}
	current, pending, err := readKeyFile(r.factorFile)
	if err != nil {
		return err
	}
	if pending != nil {
		return fmt.Errorf("%s.pending still there after a writer exited 0", r.factorFile)
	}
	if !slices.Equal(current, r.m.Device) {
		return fmt.Errorf("key file holds a device secret other than the one that must be current")
	}
	if r.staged {
		r.st.pendingRepaired++
		r.staged = false
	}
	return nil
}

// storeFacts runs the bbolt check and follows pending blobs by ID: a killed writer may leave
// some (chunks written, record not), which is allowed until the next writer's unlock deletes
// them; checkCleanWriter requires none after a writer exited 0.
func (r *runner) storeFacts() (storeFacts, error) {
	f, err := checkStore(r.walletFile)
	if err != nil {
		return f, err
	}
	r.st.storeChecks++
	now := map[string]bool{}
	for _, id := range f.pending {
		now[id] = true
		if !r.orphans[id] {
			r.orphans[id] = true
			r.st.orphansSeen++
		}
	}
	for id := range r.orphans {
		if !now[id] {
			delete(r.orphans, id)
			r.st.orphansCollect++
		}
	}
	return f, nil
}

// checkAll compares the whole wallet with the model and reads back content: the touched
// documents and a sample, or everything.
func (r *runner) checkAll(touched []string, everything bool) error {
	facts, err := r.storeFacts()
	if err != nil {
		return err
	}
	if got, want := facts.blobs-len(facts.pending), r.m.attachments(); got != want {
		return fmt.Errorf("%d committed blobs, want %d", got, want)
	}
	snap, err := r.snapshot()
	if err != nil {
		return err
	}
	if _, why := r.m.match(snap, ""); why != "" {
		return fmt.Errorf("wallet differs from the model: %s", why)
	}
	r.st.docsVerified += len(r.m.Docs)
	return r.checkContents(touched, everything)
}

// snapshot reads the wallet through paspor's read-only commands, with the current secrets:
// this is also the proof that the wallet opens.
func (r *runner) snapshot() (snapshot, error) {
	snap := snapshot{Docs: map[string]document{}}
	out, err := r.mustPaspor(call{args: []string{"list", "--json"}})
	if err != nil {
		return snap, fmt.Errorf("wallet does not open: %w", err)
	}
	var entries []struct{ ID string }
	if err := json.Unmarshal(out, &entries); err != nil {
		return snap, fmt.Errorf("failed to parse list --json: %w", err)
	}
	for _, e := range entries {
		out, err := r.mustPaspor(call{args: []string{"show", e.ID, "--json"}})
		if err != nil {
			return snap, err
		}
		var d document
		if err := json.Unmarshal(out, &d); err != nil {
			return snap, fmt.Errorf("failed to parse show --json: %w", err)
		}
		snap.Docs[d.ID] = d
	}
	out, err = r.mustPaspor(call{args: []string{"history", "--json"}})
	if err != nil {
		return snap, err
	}
	var shares []json.RawMessage
	if err := json.Unmarshal(out, &shares); err != nil {
		return snap, fmt.Errorf("failed to parse history --json: %w", err)
	}
	snap.Shares = len(shares)
	r.st.snapshots++
	return snap, nil
}

// checkContents reads attachments back with paspor get -o and compares their SHA-256 and
// size with the model: all of them, or those of ids plus two small others picked at random.
func (r *runner) checkContents(ids []string, everything bool) error {
	type ref struct {
		id  string
		att attachment
	}
	var chosen, others []ref
	for _, id := range r.m.sortedIDs() {
		for _, a := range r.m.Docs[id].Attachments {
			if everything || slices.Contains(ids, id) {
				chosen = append(chosen, ref{id, a})
			} else {
				others = append(others, ref{id, a})
			}
		}
	}
	// The sample sticks to scans up to 4 MiB: large ones are read when touched and in the
	// periodic full pass, which keeps a check's cost flat.
	others = slices.DeleteFunc(others, func(x ref) bool { return x.att.Size > 4<<20 })
	r.rng.Shuffle(len(others), func(i, j int) { others[i], others[j] = others[j], others[i] })
	chosen = append(chosen, others[:min(2, len(others))]...)
	for _, c := range chosen {
		out := filepath.Join(r.outDir, "get.out")
		os.Remove(out)
		if _, err := r.mustPaspor(call{args: []string{"get", c.id, c.att.Role, "-o", out}}); err != nil {
			return err
		}
		sum, size, err := fileSHA256(out)
		os.Remove(out)
		if err != nil {
			return err
		}
		if sum != c.att.SHA256 || size != c.att.Size {
			return fmt.Errorf("%s %s read back as %d bytes %s, want %d bytes %s", c.id, c.att.Role, size, sum, c.att.Size, c.att.SHA256)
		}
		r.st.attsRead++
		r.st.bytesRead += size
	}
	return nil
}
