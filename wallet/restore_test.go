package wallet

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/paspor/paspor/wallet/factor"
)

// importOf makes an ImportInput of w's documents and shares, reading scans from w, with
// bad (if not nil) replacing the reader of the last scan.
func importOf(t *testing.T, w *Wallet, bad io.Reader) ImportInput {
	t.Helper()
	docs, err := w.List("")
	if err != nil {
		t.Fatal(err)
	}
	shares, err := w.Shares()
	if err != nil {
		t.Fatal(err)
	}
	return ImportInput{Documents: docs, Shares: shares, Scans: func(each func(d, a int, r io.Reader) error) error {
		for d, doc := range docs {
			for a := range doc.Attachments {
				data, err := readAttachment(w, doc, doc.Attachments[a].Role)
				if err != nil {
					return err
				}
				var r io.Reader = bytes.NewReader(data)
				if bad != nil && d == len(docs)-1 && a == len(doc.Attachments)-1 {
					r = bad
				}
				if err := each(d, a, r); err != nil {
					return err
				}
			}
		}
		return nil
	}}
}

var errBadSource = errors.New("the source failed its check")

// badEndReader hands out good bytes, then errBadSource where EOF would be.
type badEndReader struct{ r io.Reader }

func (f badEndReader) Read(p []byte) (int, error) {
	n, err := f.r.Read(p)
	if err == io.EOF {
		err = errBadSource
	}
	return n, err
}

func TestRestoreKeepsIDsScansAndKey(t *testing.T) {
	src, _ := newTestWallet(t)
	scan := pngScan(t, 5000)
	d := addPassport(t, src, "P1", scan)
	if err := src.RecordShare(ShareRecord{BundleID: "b1", Audience: []string{"age1x"}, Documents: []SharedDocument{{ID: d.ID, Type: "passport"}}}); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "new", "wallet.db")
	f := factor.File{Path: filepath.Join(dir, "new.key")}
	code, rep, err := Restore(context.Background(), path, []byte("new pass"), RestoreOptions{
		Init: InitOptions{Factor: f, KDF: cheapKDF, SigningKey: src.SigningKey()}, Input: importOf(t, src, nil)})
	if err != nil {
		t.Fatal(err)
	}
	if code == "" || len(rep.Added) != 1 || rep.SharesAdded != 1 {
		t.Fatalf("report %+v", rep)
	}
	tw := &testWallet{path: path, factor: f, pass: []byte("new pass")}
	w := mustUnlock(t, tw)
	defer w.Close()
	got, err := w.Get(d.ID)
	if err != nil {
		t.Fatal(err)
	}
	data, err := readAttachment(w, got, "front_side")
	if err != nil || !bytes.Equal(data, scan) {
		t.Fatalf("scan differs: %v", err)
	}
	if !w.SigningKey().Equal(src.SigningKey()) || w.ID() == src.ID() {
		t.Error("want the same holder key and a new wallet ID")
	}
	if shares, _ := w.Shares(); len(shares) != 1 || shares[0].BundleID != "b1" {
		t.Errorf("shares %+v", shares)
	}
	// A merge of the same input skips everything.
	rep, err = w.Import(importOf(t, src, nil))
	if err != nil || len(rep.Skipped) != 1 || len(rep.Added) != 0 || rep.SharesSkipped != 1 {
		t.Fatalf("merge: %+v %v", rep, err)
	}
}

// TestRestoreFailureLeavesNothing: a scan whose source fails its check at the very end
// leaves no wallet, no blob folder, no key file and no staging file behind.
func TestRestoreFailureLeavesNothing(t *testing.T) {
	src, _ := newTestWallet(t)
	addPassport(t, src, "P1", pngScan(t, 3000))
	addPassport(t, src, "P2", pngScan(t, 4000))
	dir := t.TempDir()
	path := filepath.Join(dir, "wallet.db")
	f := factor.File{Path: filepath.Join(dir, "new.key")}
	last := importOf(t, src, nil)
	docs := last.Documents
	lastDoc := docs[len(docs)-1]
	data, err := readAttachment(src, lastDoc, "front_side")
	if err != nil {
		t.Fatal(err)
	}
	_, _, err = Restore(context.Background(), path, []byte("p"), RestoreOptions{
		Init: InitOptions{Factor: f, KDF: cheapKDF}, Input: importOf(t, src, badEndReader{bytes.NewReader(data)})})
	if !errors.Is(err, errBadSource) {
		t.Fatalf("got %v, want the source's error", err)
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		t.Errorf("left behind: %s", e.Name())
	}
	// Merging the same into an existing wallet adds nothing and leaves no scan file.
	w, tw := newTestWallet(t)
	defer w.Close()
	if _, err := w.Import(importOf(t, src, badEndReader{bytes.NewReader(data)})); !errors.Is(err, errBadSource) {
		t.Fatalf("merge: got %v", err)
	}
	if docs, _ := w.List(""); len(docs) != 0 {
		t.Errorf("merge added %d documents", len(docs))
	}
	if blobs, _ := os.ReadDir(blobFolder(tw.path)); len(blobs) != 0 {
		t.Errorf("merge left %d scan files", len(blobs))
	}
}

func TestImportRefusesBadDocuments(t *testing.T) {
	w, _ := newTestWallet(t)
	defer w.Close()
	none := func(func(int, int, io.Reader) error) error { return nil }
	for name, d := range map[string]*Document{
		"bad id":          {ID: "NOT-AN-ID", Type: "email", Fields: map[string]string{"email": "a@b.c"}},
		"unknown type":    {ID: "abcdefgh", Type: "diary", Fields: map[string]string{}},
		"missing field":   {ID: "abcdefgh", Type: "email", Fields: map[string]string{}},
		"unstored value":  {ID: "abcdefgh", Type: "address", Fields: map[string]string{"street_line1": "x", "city": "y", "post_code": "z", "country_code": "gb"}},
		"role for a type": {ID: "abcdefgh", Type: "email", Fields: map[string]string{"email": "a@b.c"}, Attachments: []Attachment{{Role: "selfie", MediaType: "image/png", Size: 1, SHA256: string(bytes.Repeat([]byte("a"), 64))}}},
	} {
		if _, err := w.Import(ImportInput{Documents: []*Document{d}, Scans: none}); err == nil {
			t.Errorf("%s: imported", name)
		}
	}
}
