package wallet

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"testing"

	"github.com/paspor/paspor/internal/testscan"
)

func readScan(t *testing.T, w *Wallet, d *Document, role string) []byte {
	t.Helper()
	rc, _, err := w.OpenAttachment(d, role)
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	b, err := io.ReadAll(rc)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestAddCleansScans(t *testing.T) {
	w, _ := newTestWallet(t)
	defer w.Close()
	dirty := testscan.DirtyJPEG()
	d, err := w.Add("passport", "", map[string]string{"document_no": "P1"},
		[]AttachmentInput{{Role: "front_side", Reader: bytes.NewReader(dirty)}, {Role: "selfie", Reader: bytes.NewReader(testscan.DirtyPNG())}}, AddOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, role := range []string{"front_side", "selfie"} {
		got := readScan(t, w, d, role)
		for _, s := range testscan.Secrets {
			if bytes.Contains(got, []byte(s)) {
				t.Errorf("%s still holds %q", role, s)
			}
		}
		a, _ := d.Attachment(role)
		sum := sha256.Sum256(got)
		if a.SHA256 != hex.EncodeToString(sum[:]) || a.Size != int64(len(got)) {
			t.Errorf("%s: stored hash or size is not of the stored file", role)
		}
		if a.Metadata == nil || len(a.Metadata.Removed) == 0 || a.Metadata.Orientation != 6 {
			t.Errorf("%s: report %+v", role, a.Metadata)
		}
		rep, err := w.InspectAttachment(d, role)
		if err != nil || len(rep.Present) != 0 {
			t.Errorf("%s: InspectAttachment = %+v, %v", role, rep, err)
		}
	}

	// KeepMetadata stores the input byte for byte, and Inspect finds what it kept.
	d, a, err := w.Attach(d.ID, "translation", bytes.NewReader(dirty), AddOptions{KeepMetadata: true})
	if err != nil {
		t.Fatal(err)
	}
	if got := readScan(t, w, d, a.Role); !bytes.Equal(got, dirty) {
		t.Error("KeepMetadata changed the scan")
	}
	if rep, err := w.InspectAttachment(d, a.Role); err != nil || len(rep.Present) == 0 {
		t.Errorf("InspectAttachment of a kept scan = %+v, %v", rep, err)
	}
}

func TestAddRefusesBadScans(t *testing.T) {
	w, _ := newTestWallet(t)
	defer w.Close()
	dirty := testscan.DirtyJPEG()
	for name, tc := range map[string]struct {
		b    []byte
		keep bool
	}{
		"truncated":      {dirty[:len(dirty)/2], false},
		"truncated kept": {dirty[:len(dirty)/2], true},
		"bomb":           {testscan.BombPNG(30000, 30000), false},
		"bomb kept":      {testscan.BombPNG(30000, 30000), true},
		"3 bytes":        {[]byte{0xFF, 0xD8, 0xFF}, false},
	} {
		_, err := w.Add("passport", "", map[string]string{"document_no": "P1"},
			[]AttachmentInput{{Role: "front_side", Reader: bytes.NewReader(tc.b)}}, AddOptions{KeepMetadata: tc.keep})
		var inv *InvalidInputError
		if !errors.As(err, &inv) || inv.Field != "front_side" {
			t.Errorf("%s: err = %v, want an InvalidInputError naming front_side", name, err)
		}
	}
	docs, err := w.List("")
	if err != nil || len(docs) != 0 {
		t.Errorf("documents stored: %d, %v", len(docs), err)
	}
	// The size cap still applies to the input, before cleaning.
	_, err = w.Add("passport", "", map[string]string{"document_no": "P1"},
		[]AttachmentInput{{Role: "front_side", Reader: bytes.NewReader(dirty)}}, AddOptions{MaxFileSize: int64(len(dirty) - 1)})
	var big *TooLargeError
	if !errors.As(err, &big) {
		t.Errorf("over the cap: %v", err)
	}
}
