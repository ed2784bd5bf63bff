package wallet

import (
	"bytes"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"hash"

	bolt "go.etcd.io/bbolt"

	"github.com/paspor/paspor/crypto"
)

// The wallet state is one sealed record (bucket "state", key "state") holding a counter and
// a SHA-256 digest over every key and value of the record buckets (documents, the blob
// index, shares, the list index, and the known partners and received feedback once they
// hold a record). Every write transaction of the wallet (Wallet.update) rewrites it and
// every unlock checks it, so a record copied back from an older file (rollback), a removed
// one put back (resurrection), one deleted (a pruned share history) or a blob index entry
// removed (so that the next writer deletes a committed scan) is reported as corrupt. It is
// sealed under the wallet key and bound to its place like every record, so it cannot be
// forged without the passphrase and the device secret. Copying back the whole file, state
// included, is not detected: see SECURITY.md.
var (
	bucketState = []byte("state")
	keyState    = []byte("state")
	// stateBuckets are the buckets the digest covers, in this order.
	stateBuckets = [][]byte{bucketDocuments, bucketBlobs, bucketShares, bucketIndex}
)

// walletState is the sealed state record's plaintext.
type walletState struct {
	Counter uint64 `json:"counter"` // writes since init
	Digest  []byte `json:"digest"`  // stateDigest of the records at that write
}

// stateDigest hashes every key and value of the record buckets, length-prefixed, in bucket
// and key order.
func stateDigest(tx *bolt.Tx) ([]byte, error) {
	h := sha256.New()
	for _, name := range stateBuckets {
		b := tx.Bucket(name)
		if b == nil && bytes.Equal(name, bucketIndex) {
			continue // the list index is made by the first write; once there, it is covered
		}
		if b == nil {
			return nil, &CorruptError{Kind: "wallet file", ID: string(name), Err: errors.New("missing bucket")}
		}
		if err := digestBucket(h, name, b); err != nil {
			return nil, err
		}
	}
	for _, name := range optionalStateBuckets {
		b := tx.Bucket(name)
		if b == nil {
			continue
		}
		if k, _ := b.Cursor().First(); k == nil {
			continue // absent and empty digest alike: a wallet from before the bucket stays valid
		}
		if err := digestBucket(h, name, b); err != nil {
			return nil, err
		}
	}
	return h.Sum(nil), nil
}

// digestBucket writes the bucket's name and every key and value, length-prefixed, to h.
func digestBucket(h hash.Hash, name []byte, b *bolt.Bucket) error {
	var n [8]byte
	put := func(p []byte) {
		binary.BigEndian.PutUint64(n[:], uint64(len(p)))
		h.Write(n[:])
		h.Write(p)
	}
	put(name)
	return b.ForEach(func(k, v []byte) error {
		if v == nil {
			return &CorruptError{Kind: "wallet file", ID: string(name), Err: errors.New("unexpected nested bucket")}
		}
		put(k)
		put(v)
		return nil
	})
}

func stateBinding(walletID string) crypto.Binding {
	return crypto.Binding{WalletID: walletID, Kind: "state", ID: "state"}
}

// writeState seals the state for the records as tx leaves them.
func writeState(tx *bolt.Tx, walletKey []byte, walletID string, counter uint64) error {
	digest, err := stateDigest(tx)
	if err != nil {
		return err
	}
	plain, err := json.Marshal(walletState{Counter: counter, Digest: digest})
	if err != nil {
		return err
	}
	sealed, err := crypto.SealRecord(walletKey, stateBinding(walletID), plain)
	if err != nil {
		return err
	}
	b, err := tx.CreateBucketIfNotExists(bucketState)
	if err != nil {
		return err
	}
	return b.Put(keyState, sealed)
}

// checkState opens the sealed state and compares its digest with the records tx sees. It
// returns the state's counter.
func checkState(tx *bolt.Tx, walletKey []byte, walletID string) (uint64, error) {
	var sealed []byte
	if b := tx.Bucket(bucketState); b != nil {
		sealed = b.Get(keyState)
	}
	if sealed == nil {
		return 0, &CorruptError{Kind: "wallet state", ID: "record", Err: errors.New("missing")}
	}
	plain, err := crypto.OpenRecord(walletKey, stateBinding(walletID), sealed)
	if err != nil {
		return 0, &CorruptError{Kind: "wallet state", ID: "record", Err: err}
	}
	var st walletState
	if err := json.Unmarshal(plain, &st); err != nil || len(st.Digest) != sha256.Size {
		return 0, &CorruptError{Kind: "wallet state", ID: "record", Err: errors.New("malformed")}
	}
	digest, err := stateDigest(tx)
	if err != nil {
		return 0, err
	}
	if subtle.ConstantTimeCompare(digest, st.Digest) != 1 {
		return 0, &CorruptError{Kind: "wallet state", ID: "records", Err: errors.New(
			"the records differ from the sealed state: one was changed back, put back, deleted or unindexed")}
	}
	return st.Counter, nil
}

// update runs fn in a write transaction and rewrites the sealed state in the same
// transaction: every change to the records goes through it.
func (w *Wallet) update(fn func(tx *bolt.Tx) error) error {
	next := w.counter + 1
	w.listed = nil // touches of a transaction that failed before are void
	err := update(w.db, func(tx *bolt.Tx) error {
		if err := fn(tx); err != nil {
			return err
		}
		if err := w.refreshIndex(tx); err != nil {
			return fmt.Errorf("failed to update the list index: %w", err)
		}
		if err := writeState(tx, w.secrets.WalletKey, w.hdr.WalletID, next); err != nil {
			return fmt.Errorf("failed to seal the wallet state: %w", err)
		}
		return nil
	})
	if err == nil {
		w.counter = next
	}
	return err
}
