package wallet

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// Check names the one document whose blob was altered, by ID and type, and nothing else.
func TestCheckNamesDamagedDocument(t *testing.T) {
	w, tw := newTestWallet(t)
	var docs []*Document
	for i := range 3 {
		docs = append(docs, addPassport(t, w, fmt.Sprintf("P%d", i), pngScan(t, 4000+i)))
	}
	rep, err := w.Check()
	if err != nil || !rep.OK() || rep.Documents != 3 || rep.Blobs != 3 {
		t.Fatalf("Check of an intact wallet = %+v, %v", rep, err)
	}
	path := w.blobPath(docs[1].Attachments[0].BlobID)
	w.Close()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	b[len(b)-20] ^= 0x40
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	w = mustUnlock(t, tw)
	defer w.Close()
	rep, err = w.Check()
	if err != nil {
		t.Fatal(err)
	}
	want := Problem{DocumentID: docs[1].ID, Type: "passport", Item: "attachment front_side",
		Reason: "does not authenticate (damaged or tampered with)"}
	if len(rep.Problems) != 1 || rep.Problems[0] != want {
		t.Fatalf("problems = %+v, want [%+v]", rep.Problems, want)
	}
	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
	if rep, _ = w.Check(); len(rep.Problems) != 1 || rep.Problems[0].Reason != "attachment file missing" {
		t.Fatalf("problems with the blob file gone = %+v", rep.Problems)
	}
}

// Compact gives back the space of removed records, keeps every document readable, and
// leaves no temporary copy.
func TestCompact(t *testing.T) {
	w, tw := newTestWallet(t)
	var keep *Document
	var drop []string
	for i := range 300 {
		d, err := w.Add("personal_details", fmt.Sprintf("label %d %s", i, bytes.Repeat([]byte("x"), 50)),
			map[string]string{"first_name": "A", "last_name": "B", "birth_date": "1990-01-01", "gender": "male",
				"country_code": "DE", "residence_country_code": "DE"}, nil, AddOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			keep = d
		} else {
			drop = append(drop, d.ID)
		}
	}
	for _, id := range drop {
		if _, err := w.Remove(id); err != nil {
			t.Fatal(err)
		}
	}
	res, err := w.Compact()
	if err != nil {
		t.Fatal(err)
	}
	if res.BytesAfter >= res.BytesBefore {
		t.Errorf("compact: %d bytes before, %d after", res.BytesBefore, res.BytesAfter)
	}
	w = mustUnlock(t, tw)
	defer w.Close()
	if d, err := w.Get(keep.ID); err != nil || d.Label != keep.Label {
		t.Fatalf("Get after compact = %v, %v", d, err)
	}
	if m, _ := filepath.Glob(tw.path + compactTempInfix + "*"); len(m) != 0 {
		t.Errorf("compact left %v", m)
	}
}
