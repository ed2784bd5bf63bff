package wallet

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"filippo.io/age"
	bolt "go.etcd.io/bbolt"

	"github.com/paspor/paspor/crypto"
	"github.com/paspor/paspor/internal/testscan"
	"github.com/paspor/paspor/wallet/factor"
)

// cheapKDF keeps tests fast; the defaults are exercised by the benchmarks.
var cheapKDF = crypto.KDFParams{MemoryKiB: crypto.MinKDFMemoryKiB, Iterations: 1, Parallelism: 1}

type testWallet struct {
	path   string
	factor factor.File
	pass   []byte
	code   string
}

func newTestWallet(t *testing.T) (*Wallet, *testWallet) {
	t.Helper()
	dir := t.TempDir()
	tw := &testWallet{path: filepath.Join(dir, "w", "wallet.db"),
		factor: factor.File{Path: filepath.Join(dir, "device.key")}, pass: []byte("correct horse")}
	w, code, err := Init(context.Background(), tw.path, tw.pass, InitOptions{Factor: tw.factor, KDF: cheapKDF})
	if err != nil {
		t.Fatalf("Init: %v", err)
	}
	tw.code = code
	return w, tw
}

func (tw *testWallet) unlock(t *testing.T, pass []byte, f factor.Store) (*Wallet, error) {
	t.Helper()
	l, err := Open(tw.path, OpenOptions{})
	if err != nil {
		return nil, err
	}
	return l.Unlock(context.Background(), pass, f)
}

func mustUnlock(t *testing.T, tw *testWallet) *Wallet {
	t.Helper()
	w, err := tw.unlock(t, tw.pass, tw.factor)
	if err != nil {
		t.Fatalf("unlock: %v", err)
	}
	return w
}

// pngScan is a real PNG of size bytes, mostly random padding that cleaning keeps.
func pngScan(t testing.TB, size int) []byte {
	b, err := testscan.PNG(size, rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func addPassport(t *testing.T, w *Wallet, docNo string, scan []byte) *Document {
	t.Helper()
	var atts []AttachmentInput
	if scan != nil {
		atts = append(atts, AttachmentInput{Role: "front_side", Reader: bytes.NewReader(scan)})
	}
	d, err := w.Add("passport", "", map[string]string{"document_no": docNo}, atts, AddOptions{})
	if err != nil {
		t.Fatalf("Add: %v", err)
	}
	return d
}

func readAttachment(w *Wallet, d *Document, role string) ([]byte, error) {
	r, _, err := w.OpenAttachment(d, role)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	return io.ReadAll(r)
}

func TestInitUnlockRoundTrip(t *testing.T) {
	w, tw := newTestWallet(t)
	scan := pngScan(t, 3*blobBufferSize+12345) // several write buffers, a partial last one
	d := addPassport(t, w, "C01X00T47", scan)
	w.Close()

	w = mustUnlock(t, tw)
	defer w.Close()
	got, err := w.Get(d.ID[:4])
	if err != nil {
		t.Fatalf("Get by prefix: %v", err)
	}
	if got.Fields["document_no"] != "C01X00T47" || len(got.Attachments) != 1 {
		t.Fatalf("document = %+v", got)
	}
	content, err := readAttachment(w, got, "front_side")
	if err != nil || !bytes.Equal(content, scan) {
		t.Fatalf("attachment differs (err %v)", err)
	}
	for _, mode := range []os.FileMode{0o600} {
		st, _ := os.Stat(tw.path)
		if st.Mode().Perm() != mode {
			t.Errorf("wallet mode %o, want %o", st.Mode().Perm(), mode)
		}
	}
	if st, _ := os.Stat(filepath.Dir(tw.path)); st.Mode().Perm() != 0o700 {
		t.Errorf("wallet folder mode %o, want 700", st.Mode().Perm())
	}
}

func TestUnlockFailuresLeaveFileUnchanged(t *testing.T) {
	w, tw := newTestWallet(t)
	addPassport(t, w, "X1", nil)
	w.Close()
	before := fileHash(t, tw.path)

	other := factor.File{Path: filepath.Join(t.TempDir(), "other.key")}
	if _, _, err := Init(context.Background(), filepath.Join(t.TempDir(), "o.db"), tw.pass,
		InitOptions{Factor: other, KDF: cheapKDF}); err != nil {
		t.Fatal(err)
	}
	missing := factor.File{Path: filepath.Join(t.TempDir(), "missing.key")}
	tests := []struct {
		name   string
		pass   string
		factor factor.Store
		want   error
	}{
		{"wrong passphrase", "wrong", tw.factor, ErrUnlockFailed},
		{"empty passphrase", "", tw.factor, ErrUnlockFailed},
		{"other wallet's key file", string(tw.pass), other, nil}, // a typed error either way
		{"missing key file", string(tw.pass), missing, ErrFactorMissing},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w, err := tw.unlock(t, []byte(tt.pass), tt.factor)
			if err == nil {
				w.Close()
				t.Fatal("unlock succeeded")
			}
			if tt.want != nil && !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
		})
	}
	if fileHash(t, tw.path) != before {
		t.Fatal("failed unlocks changed the wallet file")
	}
}

func fileHash(t *testing.T, path string) [32]byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return sha256.Sum256(b)
}

// S1: no field value, label, passphrase or 32-byte run of a scan appears in the file.
func TestNothingReadableAtRest(t *testing.T) {
	w, tw := newTestWallet(t)
	scan := pngScan(t, 2*blobBufferSize+777)
	d, err := w.Add("personal_details", "my-distinctive-label", map[string]string{
		"first_name": "Zanzibarova", "last_name": "Quetzalcoatl", "birth_date": "1987-03-14",
		"gender": "female", "country_code": "DE", "residence_country_code": "FR",
	}, nil, AddOptions{})
	if err != nil {
		t.Fatal(err)
	}
	addPassport(t, w, "PQ7734219", scan)
	w.Close()
	raw := walletBytes(t, tw.path)
	for _, s := range []string{"Zanzibarova", "Quetzalcoatl", "1987-03-14", "PQ7734219",
		"my-distinctive-label", string(tw.pass), "personal_details", d.Type} {
		if bytes.Contains(raw, []byte(s)) {
			t.Errorf("wallet file contains %q", s)
		}
	}
	// 512 windows spread over the scan (every offset would take minutes under -race);
	// the CLI script s1_at_rest.txtar checks every offset of smaller scans.
	for off := 0; off+32 <= len(scan); off += len(scan) / 512 {
		if bytes.Contains(raw, scan[off:off+32]) {
			t.Fatalf("wallet file contains the scan's bytes at offset %d", off)
		}
	}
}

// S3: records swapped inside the file are detected, never shown as each other.
func TestSwappedRecordsDetected(t *testing.T) {
	w, tw := newTestWallet(t)
	a := addPassport(t, w, "AAAA", pngScan(t, 1000))
	b := addPassport(t, w, "BBBB", pngScan(t, 2000))
	w.Close()

	db, err := bolt.Open(tw.path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	err = db.Update(func(tx *bolt.Tx) error {
		docs := tx.Bucket(bucketDocuments)
		va, vb := clone(docs.Get([]byte(a.ID))), clone(docs.Get([]byte(b.ID)))
		if err := docs.Put([]byte(a.ID), vb); err != nil {
			return err
		}
		return docs.Put([]byte(b.ID), va)
	})
	db.Close()
	if err != nil {
		t.Fatal(err)
	}
	// The sealed state no longer matches the records: unlock refuses the wallet.
	if _, err := tw.unlock(t, tw.pass, tw.factor); !errors.Is(err, ErrCorrupt) {
		t.Fatalf("unlock after swapping records: err = %v, want ErrCorrupt", err)
	}
	// Each record is also bound to its place: opened directly, neither shows as the other.
	w = unlockNoStateCheck(t, tw)
	defer w.Close()
	for _, id := range []string{a.ID, b.ID} {
		if _, err := w.Get(id); !errors.Is(err, ErrCorrupt) {
			t.Errorf("Get(%s) after swap: err = %v, want ErrCorrupt", id, err)
		}
	}
}

// S5: a passphrase change re-seals the key slot and nothing else: every document record and
// chunk keeps its exact ciphertext.
func TestChangePassphrase(t *testing.T) {
	w, tw := newTestWallet(t)
	d := addPassport(t, w, "X1", pngScan(t, 100))
	before := dataDigest(t, w)
	if err := w.ChangePassphrase([]byte("new passphrase"), nil); err != nil {
		t.Fatal(err)
	}
	if dataDigest(t, w) != before {
		t.Fatal("passphrase change rewrote document data")
	}
	w.Close()
	if _, err := tw.unlock(t, tw.pass, tw.factor); !errors.Is(err, ErrUnlockFailed) {
		t.Fatalf("old passphrase: err = %v", err)
	}
	tw.pass = []byte("new passphrase")
	w = mustUnlock(t, tw)
	defer w.Close()
	if _, err := readAttachment(w, d, "front_side"); err != nil {
		t.Fatalf("document after passphrase change: %v", err)
	}
}

func TestRotateFactor(t *testing.T) {
	w, tw := newTestWallet(t)
	oldSecret, _, err := tw.factor.Load(context.Background(), w.ID())
	if err != nil {
		t.Fatal(err)
	}
	before := dataDigest(t, w)
	code, err := w.RotateFactor(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if dataDigest(t, w) != before {
		t.Fatal("factor rotation rewrote document data")
	}
	w.Close()
	if code == tw.code {
		t.Fatal("recovery code did not change")
	}
	w = mustUnlock(t, tw) // the key file now holds the new secret
	w.Close()

	// The old recovery code no longer opens the wallet; the new one does.
	for _, tc := range []struct {
		code string
		want error
	}{{tw.code, ErrUnlockFailed}, {code, nil}} {
		l, err := Open(tw.path, OpenOptions{})
		if err != nil {
			t.Fatal(err)
		}
		f := factor.File{Path: filepath.Join(t.TempDir(), "recovered.key")}
		err = l.Recover(context.Background(), tw.pass, tc.code, f)
		if !errors.Is(err, tc.want) && (err != nil || tc.want != nil) {
			t.Fatalf("Recover: err = %v, want %v", err, tc.want)
		}
	}
	if _, err := crypto.EncodeRecoveryCode(oldSecret); err != nil {
		t.Fatal(err)
	}
}

// An interrupted rotation (new secret staged, slot committed, not yet promoted) still
// opens, and the next writer finishes it; one staged but never committed is dropped.
func TestRotateInterrupted(t *testing.T) {
	ctx := context.Background()
	w, tw := newTestWallet(t)
	id := w.ID()
	newSecret, _ := crypto.NewDeviceSecret()
	h := w.hdr
	h.Salt, _ = crypto.NewSalt()
	slot, err := sealSlot(w.passphrase, newSecret, h, w.secrets)
	if err != nil {
		t.Fatal(err)
	}
	h.Slot = slot
	if err := h.seal(newSecret); err != nil {
		t.Fatal(err)
	}
	if err := tw.factor.Stage(ctx, id, newSecret); err != nil {
		t.Fatal(err)
	}
	if err := w.db.Update(func(tx *bolt.Tx) error { return writeHeader(tx, h) }); err != nil {
		t.Fatal(err)
	}
	w.Close() // "killed" before Promote

	w = mustUnlock(t, tw)
	w.Close()
	cur, pending, err := tw.factor.Load(ctx, id)
	if err != nil || pending != nil || !bytes.Equal(cur, newSecret) {
		t.Fatalf("after repair: current new=%v, pending=%v, err=%v", bytes.Equal(cur, newSecret), pending != nil, err)
	}

	// Staged but the slot never committed: the current secret opens, the stage is dropped.
	other, _ := crypto.NewDeviceSecret()
	if err := tw.factor.Stage(ctx, id, other); err != nil {
		t.Fatal(err)
	}
	w = mustUnlock(t, tw)
	w.Close()
	if _, pending, _ := tw.factor.Load(ctx, id); pending != nil {
		t.Fatal("useless staged secret was kept")
	}
}

// S10: a second writer gets ErrWalletInUse after about a second instead of waiting.
func TestWalletInUse(t *testing.T) {
	w, tw := newTestWallet(t)
	defer w.Close()
	start := time.Now()
	_, err := Open(tw.path, OpenOptions{LockTimeout: 300 * time.Millisecond})
	if !errors.Is(err, ErrWalletInUse) {
		t.Fatalf("err = %v, want ErrWalletInUse", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Fatalf("waited %v", d)
	}
	if _, err := Open(tw.path, OpenOptions{ReadOnly: true, LockTimeout: 300 * time.Millisecond}); !errors.Is(err, ErrWalletInUse) {
		t.Fatalf("reader while a writer holds the wallet: err = %v", err)
	}
}

func TestInitRefusesExisting(t *testing.T) {
	w, tw := newTestWallet(t)
	w.Close()
	before := fileHash(t, tw.path)
	f := factor.File{Path: filepath.Join(t.TempDir(), "k")}
	if _, _, err := Init(context.Background(), tw.path, tw.pass, InitOptions{Factor: f, KDF: cheapKDF}); !errors.Is(err, ErrAlreadyExists) {
		t.Fatalf("err = %v", err)
	}
	if fileHash(t, tw.path) != before {
		t.Fatal("init over an existing wallet changed it")
	}
	if _, err := os.Stat(f.Path); !os.IsNotExist(err) {
		t.Fatal("a refused init left a key file")
	}
}

func TestNotInitialized(t *testing.T) {
	if _, err := Open(filepath.Join(t.TempDir(), "none.db"), OpenOptions{}); !errors.Is(err, ErrNotInitialized) {
		t.Fatalf("err = %v", err)
	}
}

// dataDigest hashes every key and value under the documents and blobs buckets, and the
// blob files.
func dataDigest(t *testing.T, w *Wallet) [32]byte {
	t.Helper()
	h := sha256.New()
	var walk func(b *bolt.Bucket)
	walk = func(b *bolt.Bucket) {
		_ = b.ForEach(func(k, v []byte) error {
			h.Write(k)
			if v == nil {
				walk(b.Bucket(k))
			} else {
				h.Write(v)
			}
			return nil
		})
	}
	if err := w.db.View(func(tx *bolt.Tx) error {
		walk(tx.Bucket(bucketDocuments))
		walk(tx.Bucket(bucketBlobs))
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	entries, _ := os.ReadDir(blobFolder(w.path))
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(blobFolder(w.path), e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		h.Write([]byte(e.Name()))
		h.Write(b)
	}
	var sum [32]byte
	copy(sum[:], h.Sum(nil))
	return sum
}

// S4: data at rest is wrapped with symmetric 256-bit keys only: every record and attachment
// header carries exactly one paspor-wk stanza (HKDF + ChaCha20-Poly1305), never an X25519 one.
func TestRecordsUseOnlySymmetricStanzas(t *testing.T) {
	w, _ := newTestWallet(t)
	defer w.Close()
	addPassport(t, w, "X1", pngScan(t, 3000))
	if err := w.RecordShare(ShareRecord{BundleID: "b1", CreatedAt: time.Now()}); err != nil {
		t.Fatal(err)
	}
	headers := 0
	check := func(what string, ciphertext []byte) {
		hdr, err := age.ExtractHeader(bytes.NewReader(ciphertext))
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		headers++
		var stanzas []string
		for _, line := range strings.Split(string(hdr), "\n") {
			if rest, ok := strings.CutPrefix(line, "-> "); ok {
				stanzas = append(stanzas, strings.Fields(rest)[0])
			}
		}
		if len(stanzas) != 1 || stanzas[0] != "paspor-wk" {
			t.Errorf("%s: stanzas %v, want exactly [paspor-wk]", what, stanzas)
		}
	}
	err := w.db.View(func(tx *bolt.Tx) error {
		for _, name := range [][]byte{bucketDocuments, bucketShares} {
			_ = tx.Bucket(name).ForEach(func(k, v []byte) error { check(string(name), v); return nil })
		}
		return tx.Bucket(bucketBlobs).ForEach(func(id, _ []byte) error {
			b, err := os.ReadFile(w.blobPath(string(id)))
			if err != nil {
				return err
			}
			check("blob", b)
			return nil
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	if headers != 3 {
		t.Fatalf("checked %d headers, want 3 (document, share, blob)", headers)
	}
}
