package wallet

import (
	"encoding/json"
	"errors"
	"os"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/paspor/paspor/crypto"
)

// rawStore opens a closed wallet's bbolt file directly, as someone who can write the file
// but has neither the passphrase nor the device secret.
func rawStore(t *testing.T, tw *testWallet, fn func(tx *bolt.Tx) error) {
	t.Helper()
	db, err := bolt.Open(tw.path, 0o600, &bolt.Options{Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.Update(fn); err != nil {
		t.Fatal(err)
	}
}

// snapshot returns a copy of every key and value of one bucket.
func snapshot(t *testing.T, tw *testWallet, bucket []byte) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	rawStore(t, tw, func(tx *bolt.Tx) error {
		return tx.Bucket(bucket).ForEach(func(k, v []byte) error {
			out[string(k)] = clone(v)
			return nil
		})
	})
	return out
}

// countKDF counts the KDF runs until the test ends.
func countKDF(t *testing.T) *int {
	n := new(int)
	old := testOnlyDeriveKEK
	testOnlyDeriveKEK = func(pass, device, salt []byte, walletID string, p crypto.KDFParams) ([]byte, error) {
		*n++
		return old(pass, device, salt, walletID, p)
	}
	t.Cleanup(func() { testOnlyDeriveKEK = old })
	return n
}

func wantCorrupt(t *testing.T, tw *testWallet, what string) error {
	t.Helper()
	_, err := tw.unlock(t, tw.pass, tw.factor)
	if !errors.Is(err, ErrCorrupt) {
		t.Fatalf("unlock after %s: err = %v, want ErrCorrupt", what, err)
	}
	return err
}

// Each tampering below is done on the real file by someone without the keys; the sealed
// state, or the header MAC, reports it at the next unlock.
func TestStateDetectsRecordRollback(t *testing.T) {
	w, tw := newTestWallet(t)
	d := addPassport(t, w, "OLD1", nil)
	w.Close()
	old := snapshot(t, tw, bucketDocuments)[d.ID]
	w = mustUnlock(t, tw)
	if _, err := w.Edit(d.ID, map[string]string{"document_no": "NEW2"}, nil, nil); err != nil {
		t.Fatal(err)
	}
	w.Close()
	rawStore(t, tw, func(tx *bolt.Tx) error { return tx.Bucket(bucketDocuments).Put([]byte(d.ID), old) })
	wantCorrupt(t, tw, "copying an older record back")
}

func TestStateDetectsResurrection(t *testing.T) {
	w, tw := newTestWallet(t)
	d := addPassport(t, w, "GONE", nil)
	w.Close()
	rec := snapshot(t, tw, bucketDocuments)[d.ID]
	w = mustUnlock(t, tw)
	if _, err := w.Remove(d.ID); err != nil {
		t.Fatal(err)
	}
	w.Close()
	rawStore(t, tw, func(tx *bolt.Tx) error { return tx.Bucket(bucketDocuments).Put([]byte(d.ID), rec) })
	wantCorrupt(t, tw, "putting a removed record back")
}

func TestStateDetectsDeletedShare(t *testing.T) {
	w, tw := newTestWallet(t)
	for _, id := range []string{"b1", "b2"} {
		if err := w.RecordShare(ShareRecord{BundleID: id, CreatedAt: time.Now()}); err != nil {
			t.Fatal(err)
		}
	}
	w.Close()
	rawStore(t, tw, func(tx *bolt.Tx) error { return tx.Bucket(bucketShares).Delete([]byte("b1")) })
	wantCorrupt(t, tw, "pruning the share history")
}

// Removing a committed blob's index entry would make the next writer delete the scan as an
// orphan: the unlock refuses the wallet first, and the scan stays.
func TestStateDetectsUnindexedBlob(t *testing.T) {
	w, tw := newTestWallet(t)
	d := addPassport(t, w, "P1", pngScan(t, 3000))
	path := w.blobPath(d.Attachments[0].BlobID)
	w.Close()
	rawStore(t, tw, func(tx *bolt.Tx) error {
		return tx.Bucket(bucketBlobs).Delete([]byte(d.Attachments[0].BlobID))
	})
	wantCorrupt(t, tw, "unindexing a committed blob")
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("the committed scan was deleted: %v", err)
	}
}

func TestStateDetectsDeletedState(t *testing.T) {
	w, tw := newTestWallet(t)
	w.Close()
	rawStore(t, tw, func(tx *bolt.Tx) error { return tx.Bucket(bucketState).Delete(keyState) })
	wantCorrupt(t, tw, "deleting the state record")
}

// Header fields changed by someone without the device secret are refused before any KDF
// runs; KDF parameters of 4 GiB and many passes cost nothing.
func TestHeaderTamperRefusedBeforeKDF(t *testing.T) {
	kdf, _ := json.Marshal(crypto.KDFParams{MemoryKiB: 4 << 20, Iterations: 64, Parallelism: 4})
	cases := map[string]func(tx *bolt.Tx) error{
		"factor kind": func(tx *bolt.Tx) error { return tx.Bucket(bucketMeta).Put(keyFactor, []byte(FactorKeyring)) },
		"kdf 4 GiB":   func(tx *bolt.Tx) error { return tx.Bucket(bucketMeta).Put(keyKDF, kdf) },
		"salt": func(tx *bolt.Tx) error {
			s := clone(tx.Bucket(bucketMeta).Get(keySalt))
			s[0] ^= 1
			return tx.Bucket(bucketMeta).Put(keySalt, s)
		},
		"created_at": func(tx *bolt.Tx) error {
			return tx.Bucket(bucketMeta).Put(keyCreatedAt, []byte("2001-01-01T00:00:00Z"))
		},
		"mac deleted": func(tx *bolt.Tx) error { return tx.Bucket(bucketMeta).Delete(keyMAC) },
	}
	for name, tamper := range cases {
		t.Run(name, func(t *testing.T) {
			w, tw := newTestWallet(t)
			w.Close()
			rawStore(t, tw, tamper)
			runs := countKDF(t)
			start := time.Now()
			err := wantCorrupt(t, tw, "changing the header's "+name)
			if *runs != 0 {
				t.Errorf("the KDF ran %d times before the header was refused", *runs)
			}
			// A hang bound, not a timing goal: the real KDF at 4 GiB takes minutes.
			if d := time.Since(start); d > 2*time.Second {
				t.Errorf("refusing the header took %s", d)
			}
			var ce *CorruptError
			if !errors.As(err, &ce) || ce.Kind != "wallet header" {
				t.Errorf("err = %v, want a *CorruptError for the wallet header", err)
			}
		})
	}
}

func TestFormat1Refused(t *testing.T) {
	w, tw := newTestWallet(t)
	w.Close()
	rawStore(t, tw, func(tx *bolt.Tx) error {
		return tx.Bucket(bucketMeta).Put(keyFormat, []byte("paspor-wallet/1"))
	})
	_, err := Open(tw.path, OpenOptions{})
	if !errors.Is(err, ErrUnsupportedFormat) || errors.Is(err, ErrCorrupt) {
		t.Fatalf("Open of a format-1 wallet = %v, want ErrUnsupportedFormat", err)
	}
}

// Every write advances the sealed counter by one; a failed write does not.
func TestStateCounter(t *testing.T) {
	w, tw := newTestWallet(t)
	addPassport(t, w, "C1", nil)
	if _, err := w.Add("passport", "", map[string]string{}, nil, AddOptions{}); err == nil {
		t.Fatal("Add without a required field succeeded")
	}
	if err := w.RecordShare(ShareRecord{BundleID: "b", CreatedAt: time.Now()}); err != nil {
		t.Fatal(err)
	}
	w.Close()
	w = mustUnlock(t, tw)
	defer w.Close()
	if w.counter != 2 {
		t.Fatalf("counter after two writes = %d, want 2", w.counter)
	}
}
