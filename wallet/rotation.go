package wallet

import (
	"encoding/json"
	"errors"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/paspor/paspor/crypto"
)

// When the device secret was last rotated is one sealed record in the state bucket (key
// "factor_rotated"), written in the transaction that commits the new key slot. It is sealed
// and bound like every record, so it cannot be forged; a wallet never rotated has none.
// Copies of the wallet file made before that time need the device secret they were made
// with, which is what `paspor info` lets a holder reason about.
var keyFactorRotated = []byte("factor_rotated")

type factorRotated struct {
	At time.Time `json:"at"`
}

func rotatedBinding(walletID string) crypto.Binding {
	return crypto.Binding{WalletID: walletID, Kind: "state", ID: "factor_rotated"}
}

// writeFactorRotated records at as the time of the last device-secret rotation.
func writeFactorRotated(tx *bolt.Tx, walletKey []byte, walletID string, at time.Time) error {
	plain, err := json.Marshal(factorRotated{At: at.UTC().Truncate(time.Second)})
	if err != nil {
		return err
	}
	sealed, err := crypto.SealRecord(walletKey, rotatedBinding(walletID), plain)
	if err != nil {
		return err
	}
	b, err := tx.CreateBucketIfNotExists(bucketState)
	if err != nil {
		return err
	}
	return b.Put(keyFactorRotated, sealed)
}

// FactorRotatedAt returns when the device secret was last replaced (paspor factor rotate),
// or the zero time when it never was.
func (w *Wallet) FactorRotatedAt() (time.Time, error) {
	var at time.Time
	err := view(w.db, func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketState)
		if b == nil {
			return nil
		}
		sealed := b.Get(keyFactorRotated)
		if sealed == nil {
			return nil
		}
		plain, err := crypto.OpenRecord(w.secrets.WalletKey, rotatedBinding(w.hdr.WalletID), sealed)
		if err != nil {
			return &CorruptError{Kind: "wallet state", ID: "factor_rotated", Err: err}
		}
		var r factorRotated
		if err := json.Unmarshal(plain, &r); err != nil || r.At.IsZero() {
			return &CorruptError{Kind: "wallet state", ID: "factor_rotated", Err: errors.New("malformed")}
		}
		at = r.At
		return nil
	})
	return at, err
}
