package wallet

import (
	"encoding/json"
	"errors"
	"sort"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/paspor/paspor/crypto"
)

const kindShare = "share"

// ShareRecord remembers one bundle handed to a partner: who could open it and what it held.
// It is sealed like every record (S1, S3).
type ShareRecord struct {
	BundleID  string    `json:"bundle_id"`
	CreatedAt time.Time `json:"created_at"`
	ExpiresAt time.Time `json:"expires_at"`
	Audience  []string  `json:"audience"`
	Nonce     string    `json:"nonce,omitempty"`
	Purpose   string    `json:"purpose,omitempty"`
	// RequestID, Partner and PartnerKey are set when the share answered a signed request:
	// its ID, the partner's display name and its "ssh-ed25519 <base64>" signing key.
	RequestID  string `json:"request_id,omitempty"`
	Partner    string `json:"partner,omitempty"`
	PartnerKey string `json:"partner_key,omitempty"`
	// Partial is true when the bundle left out mandatory items the holder did not have.
	Partial   bool             `json:"partial,omitempty"`
	Documents []SharedDocument `json:"documents"`
	// Sequence orders shares made within the same second (created_at has whole seconds).
	Sequence uint64 `json:"sequence"`
}

// SharedDocument names what of one document went into a bundle (names only, no values).
type SharedDocument struct {
	ID          string   `json:"id"`
	Type        string   `json:"type"`
	Fields      []string `json:"fields"`
	Attachments []string `json:"attachments"`
}

// RecordShare stores a share record. A share that answered a request (Partner and
// PartnerKey set) also pins the partner's name to its key, in the same transaction, so a
// partner is known exactly when a share to it is recorded.
func (w *Wallet) RecordShare(s ShareRecord) error {
	if err := w.writable(); err != nil {
		return err
	}
	if s.BundleID == "" {
		return errors.New("failed to record share: empty bundle ID")
	}
	return w.update(func(tx *bolt.Tx) error {
		shares := tx.Bucket(bucketShares)
		seq, err := shares.NextSequence()
		if err != nil {
			return err
		}
		s.Sequence = seq
		plain, err := json.Marshal(s)
		if err != nil {
			return err
		}
		sealed, err := crypto.SealRecord(w.secrets.WalletKey, w.binding(kindShare, s.BundleID), plain)
		if err != nil {
			return err
		}
		if err := shares.Put([]byte(s.BundleID), sealed); err != nil {
			return err
		}
		if s.Partner == "" && s.PartnerKey == "" {
			return nil
		}
		return w.pinPartner(tx, s.Partner, s.PartnerKey, s.CreatedAt)
	})
}

// Shares lists the share records, oldest first.
func (w *Wallet) Shares() ([]ShareRecord, error) {
	var out []ShareRecord
	err := view(w.db, func(tx *bolt.Tx) error {
		return tx.Bucket(bucketShares).ForEach(func(k, v []byte) error {
			s, err := w.openShare(string(k), v)
			if err != nil {
				return err
			}
			out = append(out, s)
			return nil
		})
	})
	sort.SliceStable(out, func(i, j int) bool {
		if !out[i].CreatedAt.Equal(out[j].CreatedAt) {
			return out[i].CreatedAt.Before(out[j].CreatedAt)
		}
		return out[i].Sequence < out[j].Sequence
	})
	return out, err
}

// openShare opens one sealed share record stored under key id.
func (w *Wallet) openShare(id string, sealed []byte) (ShareRecord, error) {
	var s ShareRecord
	plain, err := crypto.OpenRecord(w.secrets.WalletKey, w.binding(kindShare, id), sealed)
	if err != nil {
		return s, &CorruptError{Kind: "share record", ID: id, Err: err}
	}
	if err := json.Unmarshal(plain, &s); err != nil || s.BundleID != id {
		return s, &CorruptError{Kind: "share record", ID: id, Err: errors.New("malformed record")}
	}
	return s, nil
}
