package export

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
)

// TestOpenNeedsOutDir: Open neither creates nor removes OutDir; the caller owns it.
func TestOpenNeedsOutDir(t *testing.T) {
	p := newPartner(t, false)
	bundle, _ := writeTestBundle(t, []string{p.recipient}, nil)
	out := filepath.Join(t.TempDir(), "missing")
	_, err := Open(bytes.NewReader(bundle), OpenOptions{Identities: p.ids, Now: testNow, OutDir: out})
	var rej *RejectedError
	if !errors.Is(err, fs.ErrNotExist) || errors.As(err, &rej) {
		t.Fatalf("Open into a missing folder = %v, want an fs.ErrNotExist that is not a rejection", err)
	}
	if _, err := os.Lstat(out); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("Open created OutDir: %v", err)
	}
}

// TestStaleStageRemoved: a staging folder no process holds (its opener was killed) is removed
// by the next Open into the same folder, and one a live Open holds is left alone.
func TestStaleStageRemoved(t *testing.T) {
	p := newPartner(t, false)
	bundle, m := writeTestBundle(t, []string{p.recipient}, nil)
	out := t.TempDir()
	stale := filepath.Join(out, stagePrefix+"killed")
	if err := os.MkdirAll(filepath.Join(stale, "files"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(stale, "files", "plain.jpg"), []byte("unverified"), 0o600); err != nil {
		t.Fatal(err)
	}
	live, release, err := newStage(out, "")
	if err != nil {
		t.Fatal(err)
	}
	defer release(true)
	if _, err := Open(bytes.NewReader(bundle), OpenOptions{Identities: p.ids, Now: testNow, OutDir: out}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Lstat(stale); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("stale stage still there: %v", err)
	}
	if _, err := os.Lstat(live); err != nil {
		t.Fatalf("a live stage was removed: %v", err)
	}
	if _, err := os.Lstat(filepath.Join(out, m.BundleID, manifestName)); err != nil {
		t.Fatal(err)
	}
}

// TestStaleStageRemovedByRejectedOpen: the sweep runs before anything is checked, so even an
// open that rejects its bundle removes what a killed open left.
func TestStaleStageRemovedByRejectedOpen(t *testing.T) {
	p := newPartner(t, false)
	out := t.TempDir()
	stale := filepath.Join(out, stagePrefix+"killed")
	if err := os.Mkdir(stale, 0o700); err != nil {
		t.Fatal(err)
	}
	_, err := Open(bytes.NewReader([]byte("not a bundle")), OpenOptions{Identities: p.ids, OutDir: out})
	var rej *RejectedError
	if !errors.As(err, &rej) {
		t.Fatalf("Open = %v, want a rejection", err)
	}
	if _, err := os.Lstat(stale); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("stale stage still there: %v", err)
	}
}

// countingReader counts the bytes read through it.
type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// TestBadSignatureReadsNoAttachment: a stranger's bundle with a forged signature and an 8 MiB
// attachment is rejected after its signed head; the attachment is neither read nor staged.
func TestBadSignatureReadsNoAttachment(t *testing.T) {
	c := newCraft(fuzzRecipient)
	c.signer = stranger // the manifest still names holder 1: the signature does not match it
	addTranslations(c, 1, 8<<20)
	plain := &countingReader{r: bytes.NewReader(c.tar(t))}
	out := t.TempDir()
	_, err := openPlain(plain, fuzzDecrypted, OpenOptions{Now: testNow, OutDir: out})
	var rej *RejectedError
	if !errors.As(err, &rej) || rej.Reason != ReasonSignature {
		t.Fatalf("Open = %v, want reason signature", err)
	}
	if plain.n > 64<<10 {
		t.Fatalf("read %d bytes of the plaintext before rejecting, want only the head", plain.n)
	}
	if entries, _ := os.ReadDir(out); len(entries) != 0 {
		t.Fatalf("output folder holds %v", names(entries))
	}
}

// TestParallelOpensOneFolder: many opens into one folder at once, each sweeping it first, all
// succeed: a sweep never removes a stage another open is about to lock.
func TestParallelOpensOneFolder(t *testing.T) {
	p := newPartner(t, false)
	out := t.TempDir()
	const n = 16
	bundles := make([][]byte, n)
	for i := range bundles {
		c := newCraft(p.recipient)
		c.manifest.BundleID = fmt.Sprintf("%032x", i)
		bundles[i] = encryptTo(t, c.tar(t), p.recipient)
	}
	errs := make(chan error, n)
	for i := range bundles {
		go func() {
			_, err := Open(bytes.NewReader(bundles[i]), OpenOptions{Identities: p.ids, Now: testNow, OutDir: out})
			errs <- err
		}()
	}
	for range n {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
	if entries, _ := os.ReadDir(out); len(entries) != n {
		t.Fatalf("%d entries in the folder, want %d bundles: %v", len(entries), n, names(entries))
	}
}
