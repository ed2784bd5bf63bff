package wallet

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// unlockNoStateCheck opens a wallet whose sealed state does not match, to test the checks
// behind it; only tests do this.
func unlockNoStateCheck(t *testing.T, tw *testWallet) *Wallet {
	t.Helper()
	l, err := Open(tw.path, OpenOptions{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	current, _, err := tw.factor.Load(context.Background(), l.hdr.WalletID)
	if err != nil {
		t.Fatal(err)
	}
	secrets, err := openSlot(tw.pass, current, l.hdr)
	if err != nil {
		t.Fatal(err)
	}
	return &Wallet{db: l.db, path: l.path, readOnly: true, hdr: l.hdr, secrets: secrets, now: time.Now}
}

// walletBytes is the wallet file and every file in its blob folder, concatenated.
func walletBytes(t *testing.T, path string) []byte {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	entries, _ := os.ReadDir(blobFolder(path))
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(blobFolder(path), e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		raw = append(raw, b...)
	}
	return raw
}

// S3 for attachments: blob files swapped between attachments do not decrypt as each other.
func TestSwappedBlobsDetected(t *testing.T) {
	w, tw := newTestWallet(t)
	a := addPassport(t, w, "AAAA", pngScan(t, 5000))
	b := addPassport(t, w, "BBBB", pngScan(t, 5000))
	pa, pb := w.blobPath(a.Attachments[0].BlobID), w.blobPath(b.Attachments[0].BlobID)
	w.Close()
	tmp := pa + ".swap"
	for _, mv := range [][2]string{{pa, tmp}, {pb, pa}, {tmp, pb}} {
		if err := os.Rename(mv[0], mv[1]); err != nil {
			t.Fatal(err)
		}
	}
	w = mustUnlock(t, tw)
	defer w.Close()
	for _, d := range []*Document{a, b} {
		if _, err := readAttachment(w, d, "front_side"); !errors.Is(err, ErrCorrupt) {
			t.Errorf("attachment of %s after swap: err = %v, want ErrCorrupt", d.ID, err)
		}
	}
}

// A blob written but never indexed (the process died before its document was committed)
// and a temporary file left by a kill mid-write are deleted by the next writer; an indexed
// blob stays, and a read-only open deletes nothing.
func TestOrphanedBlobsCollected(t *testing.T) {
	w, tw := newTestWallet(t)
	kept := addPassport(t, w, "K1", pngScan(t, 2000))
	bf, err := w.createBlob()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := bf.Write(make([]byte, 3<<20)); err != nil {
		t.Fatal(err)
	}
	if err := bf.commit(); err != nil {
		t.Fatal(err)
	}
	stray := filepath.Join(blobFolder(tw.path), blobTempPrefix+newBlobID())
	if err := os.WriteFile(stray, []byte("half"), 0o600); err != nil {
		t.Fatal(err)
	}
	w.Close() // as if the process died before the document record

	names := func() []string {
		entries, err := os.ReadDir(blobFolder(tw.path))
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, e := range entries {
			out = append(out, e.Name())
		}
		return out
	}
	l, err := Open(tw.path, OpenOptions{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	r, err := l.Unlock(context.Background(), tw.pass, tw.factor)
	if err != nil {
		t.Fatal(err)
	}
	r.Close()
	if n := len(names()); n != 3 {
		t.Fatalf("a read-only unlock left %d files, want all 3", n)
	}
	w = mustUnlock(t, tw)
	defer w.Close()
	if got := names(); len(got) != 1 || got[0] != kept.Attachments[0].BlobID+blobFileSuffix {
		t.Fatalf("after collection the blob folder holds %v, want only the indexed blob", got)
	}
	if _, err := readAttachment(w, kept, "front_side"); err != nil {
		t.Fatalf("the indexed blob was damaged: %v", err)
	}
}
