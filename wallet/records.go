package wallet

import (
	"encoding/json"
	"errors"

	bolt "go.etcd.io/bbolt"

	"github.com/paspor/paspor/crypto"
)

// Buckets added after wallet format 2 was first released (known partners, received
// feedback). A wallet made before them has neither; they are created by the first write that
// needs them, and an absent bucket reads as empty. The state digest covers them once they
// hold a record, so an older wallet's digest stays valid and a removed record is still seen.
var (
	bucketPartners = []byte("partners")
	bucketFeedback = []byte("feedback")
	// optionalStateBuckets are digested after stateBuckets, each only when it holds a record.
	optionalStateBuckets = [][]byte{bucketPartners, bucketFeedback}
)

// putSealed seals v as a record of kind under id in bucket, creating the bucket if needed.
func (w *Wallet) putSealed(tx *bolt.Tx, bucket []byte, kind, id string, v any) error {
	b, err := tx.CreateBucketIfNotExists(bucket)
	if err != nil {
		return err
	}
	plain, err := json.Marshal(v)
	if err != nil {
		return err
	}
	sealed, err := crypto.SealRecord(w.secrets.WalletKey, w.binding(kind, id), plain)
	if err != nil {
		return err
	}
	return b.Put([]byte(id), sealed)
}

// eachSealed opens every record of kind in bucket (absent: none) into a fresh T and calls fn
// with its key. A record that does not open or parse is a *CorruptError naming what.
func eachSealed[T any](w *Wallet, bucket []byte, kind, what string, fn func(id string, v *T) error) error {
	return view(w.db, func(tx *bolt.Tx) error {
		b := tx.Bucket(bucket)
		if b == nil {
			return nil
		}
		return b.ForEach(func(k, sealed []byte) error {
			v, err := openSealed[T](w, kind, what, string(k), sealed)
			if err != nil {
				return err
			}
			return fn(string(k), v)
		})
	})
}

// openSealed opens one sealed record of kind stored under id.
func openSealed[T any](w *Wallet, kind, what, id string, sealed []byte) (*T, error) {
	plain, err := crypto.OpenRecord(w.secrets.WalletKey, w.binding(kind, id), sealed)
	if err != nil {
		return nil, &CorruptError{Kind: what, ID: id, Err: err}
	}
	v := new(T)
	if err := json.Unmarshal(plain, v); err != nil {
		return nil, &CorruptError{Kind: what, ID: id, Err: errors.New("malformed record")}
	}
	return v, nil
}

// checkSealedRecords opens every known-partner and feedback record for Check, naming each
// one that does not open.
func (w *Wallet) checkSealedRecords() ([]Problem, error) {
	var problems []Problem
	for _, b := range []struct {
		bucket     []byte
		kind, what string
	}{{bucketPartners, kindPartner, "partner record"}, {bucketFeedback, kindFeedback, "feedback record"}} {
		type raw struct{ k, v []byte }
		var recs []raw
		err := view(w.db, func(tx *bolt.Tx) error {
			bk := tx.Bucket(b.bucket)
			if bk == nil {
				return nil
			}
			return bk.ForEach(func(k, v []byte) error {
				recs = append(recs, raw{clone(k), clone(v)})
				return nil
			})
		})
		if err != nil {
			return nil, err
		}
		for _, r := range recs {
			if _, err := openSealed[json.RawMessage](w, b.kind, b.what, string(r.k), r.v); err != nil {
				problems = append(problems, Problem{Item: b.kind + " " + string(r.k), Reason: reasonOf(err)})
			}
		}
	}
	return problems, nil
}
