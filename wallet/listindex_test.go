package wallet

import (
	"bytes"
	"fmt"
	"os"
	"strconv"
	"testing"

	bolt "go.etcd.io/bbolt"

	"github.com/paspor/paspor/crypto"
)

// wantSummaries compares ListSummaries with the summaries of List (which opens every record),
// order included.
func wantSummaries(t *testing.T, w *Wallet, docType string) []Summary {
	t.Helper()
	docs, err := w.List(docType)
	if err != nil {
		t.Fatal(err)
	}
	got, err := w.ListSummaries(docType)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(docs) {
		t.Fatalf("ListSummaries(%q): %d entries, List: %d", docType, len(got), len(docs))
	}
	for i, d := range docs {
		if want := summaryOf(d); !summaryEqual(got[i], want) {
			t.Fatalf("ListSummaries(%q)[%d] = %+v, want %+v", docType, i, got[i], want)
		}
	}
	return got
}

// TestListIndexFollowsEveryWrite: after add, attach, edit, detach and rm (each refreshing the
// index in its own transaction), the index says what the records say, and listing opens
// no document record.
func TestListIndexFollowsEveryWrite(t *testing.T) {
	w, tw := newTestWallet(t)
	a := addPassport(t, w, "A1", nil)
	b := addPassport(t, w, "B2", pngScan(t, 2000))
	if _, err := w.Add("bank_statement", "bank", map[string]string{}, nil, AddOptions{}); err != nil {
		t.Fatal(err)
	}
	wantSummaries(t, w, "")
	if _, _, err := w.Attach(a.ID, "selfie", bytes.NewReader(pngScan(t, 1500)), AddOptions{}); err != nil {
		t.Fatal(err)
	}
	label := "renamed"
	if _, err := w.Edit(a.ID, map[string]string{"expiry_date": "2035-01-31"}, nil, &label); err != nil {
		t.Fatal(err)
	}
	if _, err := w.Detach(b.ID, "front_side"); err != nil {
		t.Fatal(err)
	}
	got := wantSummaries(t, w, "passport")
	if len(got) != 2 || got[0].Label != "renamed" || got[0].ExpiryDate != "2035-01-31" || got[0].Attachments != 1 || got[1].Attachments != 0 {
		t.Fatalf("summaries after edits = %+v", got)
	}
	if _, err := w.Remove(b.ID); err != nil {
		t.Fatal(err)
	}
	wantSummaries(t, w, "")
	w.Close()

	w = mustUnlock(t, tw)
	defer w.Close()
	opened := 0
	old := testOnlyOpenDocument
	testOnlyOpenDocument = func(string) { opened++ }
	defer func() { testOnlyOpenDocument = old }()
	if got, err := w.ListSummaries(""); err != nil || len(got) != 2 {
		t.Fatalf("ListSummaries = %d entries, %v", len(got), err)
	}
	if opened != 0 {
		t.Fatalf("listing from the index opened %d document records, want 0", opened)
	}
}

// TestListIndexStaleEntryFallsBack: a record changed by a transaction that did not refresh
// the index (its hash no longer matches) is listed from the record itself, and Check
// reports the stale entry until the next write of that document.
func TestListIndexStaleEntryFallsBack(t *testing.T) {
	w, _ := newTestWallet(t)
	defer w.Close()
	d := addPassport(t, w, "S1", nil)
	d.Label = "changed behind the index"
	err := update(w.db, func(tx *bolt.Tx) error {
		if err := w.putDocument(tx, d, nil, nil); err != nil {
			return err
		}
		return writeState(tx, w.secrets.WalletKey, w.hdr.WalletID, w.counter+1)
	})
	if err != nil {
		t.Fatal(err)
	}
	w.counter++
	w.listed = nil // a writer that bypassed putDocument
	if got := wantSummaries(t, w, ""); got[0].Label != d.Label {
		t.Fatalf("label = %q, want the record's", got[0].Label)
	}
	rep, err := w.Check()
	if err != nil || len(rep.Problems) != 1 || rep.Problems[0].Item != "list index" || rep.Problems[0].DocumentID != d.ID {
		t.Fatalf("Check with a stale index entry = %+v, %v", rep, err)
	}
	if err := w.RecordShare(ShareRecord{BundleID: "any"}); err != nil {
		t.Fatal(err)
	}
	if got := wantSummaries(t, w, ""); got[0].Label != d.Label {
		t.Fatalf("label after an unrelated write = %q, want the record's", got[0].Label)
	}
	if _, err := w.Edit(d.ID, nil, nil, &d.Label); err != nil {
		t.Fatal(err)
	}
	if rep, err := w.Check(); err != nil || !rep.OK() {
		t.Fatalf("Check after the next write = %+v, %v", rep, err)
	}
}

// TestListIndexTamper: the index is covered by the sealed state: deleting it, or copying an
// older index back, is reported as corrupt at unlock.
func TestListIndexTamper(t *testing.T) {
	w, tw := newTestWallet(t)
	addPassport(t, w, "T1", nil)
	w.Close()
	older := snapshot(t, tw, bucketIndex)[string(keyIndex)]
	w = mustUnlock(t, tw)
	addPassport(t, w, "T2", nil)
	w.Close()
	path := tw.path
	saved, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	rawStore(t, tw, func(tx *bolt.Tx) error { return tx.Bucket(bucketIndex).Put(keyIndex, older) })
	wantCorrupt(t, tw, "copying an older list index back")
	if err := os.WriteFile(path, saved, 0o600); err != nil {
		t.Fatal(err)
	}
	rawStore(t, tw, func(tx *bolt.Tx) error { return tx.DeleteBucket(bucketIndex) })
	wantCorrupt(t, tw, "deleting the list index")
}

// TestCheckIndexContent: an entry whose hash matches its record but whose summary does not
// (only a paspor bug could write one) is named by Check.
func TestCheckIndexContent(t *testing.T) {
	w, _ := newTestWallet(t)
	defer w.Close()
	d := addPassport(t, w, "C1", nil)
	err := w.update(func(tx *bolt.Tx) error {
		entries, err := w.readIndex(tx)
		if err != nil {
			return err
		}
		e := *entries[d.ID]
		e.Label = "not what the record says"
		sealed, err := sealListForTest(w, []indexEntry{e})
		if err != nil {
			return err
		}
		return tx.Bucket(bucketIndex).Put(keyIndex, sealed)
	})
	if err != nil {
		t.Fatal(err)
	}
	rep, err := w.Check()
	want := Problem{DocumentID: d.ID, Type: "passport", Item: "list index", Reason: "entry differs from the document"}
	if err != nil || len(rep.Problems) != 1 || rep.Problems[0] != want {
		t.Fatalf("Check = %+v, %v; want [%+v]", rep, err, want)
	}
}

// TestCheckIntactThousand: check passes on an intact wallet of 1,000 documents (made in one
// transaction, which is not what is tested) and opens every one.
func TestCheckIntactThousand(t *testing.T) {
	n := 1000
	if testing.Short() {
		n = 100
	}
	w, _ := newTestWallet(t)
	defer w.Close()
	err := w.update(func(tx *bolt.Tx) error {
		for i := range n {
			d := &Document{ID: fmt.Sprintf("%08d", i), Type: "passport", Label: "p" + strconv.Itoa(i),
				Fields:    map[string]string{"document_no": fmt.Sprintf("C%07d", i), "expiry_date": "2031-05-01", "issuing_country": "DE"},
				CreatedAt: w.now().UTC(), UpdatedAt: w.now().UTC()}
			if err := w.putDocument(tx, d, nil, nil); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	rep, err := w.Check()
	if err != nil || !rep.OK() || rep.Documents != n || len(rep.Orphans) != 0 {
		t.Fatalf("Check of %d intact documents: documents %d, %d problems (first %v), orphans %v, err %v",
			n, rep.Documents, len(rep.Problems), rep.Problems[:min(3, len(rep.Problems))], rep.Orphans, err)
	}
	if got := wantSummaries(t, w, ""); len(got) != n {
		t.Fatalf("listed %d of %d", len(got), n)
	}
}

func sealListForTest(w *Wallet, entries []indexEntry) ([]byte, error) {
	return crypto.SealRecord(w.secrets.WalletKey, w.binding(kindIndex, string(keyIndex)), encodeListIndex(entries))
}
