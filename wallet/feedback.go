package wallet

import (
	"errors"
	"fmt"
	"sort"
	"time"

	bolt "go.etcd.io/bbolt"
)

const kindFeedback = "feedback"

// FeedbackRecord is partner feedback the holder imported: what the partner found wrong with a
// bundle it received. It is sealed like every record and counted in the wallet state.
type FeedbackRecord struct {
	// FeedbackID is the feedback's own random ID.
	FeedbackID string `json:"feedback_id"`
	// BundleID is the bundle it is about; RequestID the request that bundle answered, if any.
	BundleID  string `json:"bundle_id"`
	RequestID string `json:"request_id,omitempty"`
	// Partner and PartnerKey are the signer's display name and "ssh-ed25519 <base64>" key.
	Partner    string `json:"partner"`
	PartnerKey string `json:"partner_key"`
	// CreatedAt is when the partner wrote it; ReceivedAt when the holder imported it.
	CreatedAt  time.Time `json:"created_at"`
	ReceivedAt time.Time `json:"received_at"`
	// Items are the problems, each about one document of the bundle.
	Items []FeedbackItem `json:"items"`
}

// FeedbackItem is one problem: a Telegram Passport PassportElementError naming a field or
// scans by their hashes as shared. Its fields are those of the feedback format's item.
type FeedbackItem struct {
	Source     string   `json:"source"`
	DocumentID string   `json:"document_id"`
	Type       string   `json:"type"`
	Field      string   `json:"field,omitempty"`
	DataHash   string   `json:"data_hash,omitempty"`
	FileHash   string   `json:"file_hash,omitempty"`
	FileHashes []string `json:"file_hashes,omitempty"`
	Message    string   `json:"message"`
}

// DuplicateError reports a record that is already in the wallet; nothing was changed.
type DuplicateError struct {
	What string // "feedback"
	ID   string
}

func (e *DuplicateError) Error() string {
	return fmt.Sprintf("%s %s is already in the wallet", e.What, e.ID)
}

// RecordFeedback stores imported feedback; ReceivedAt is set to the wallet's clock. The same
// feedback twice is a *DuplicateError.
func (w *Wallet) RecordFeedback(f FeedbackRecord) error {
	if err := w.writable(); err != nil {
		return err
	}
	if f.FeedbackID == "" || f.BundleID == "" || len(f.Items) == 0 {
		return errors.New("failed to record feedback: empty feedback ID, bundle ID or items")
	}
	// Full precision, as documents' UpdatedAt: an unspecified item is resolved by an edit
	// after ReceivedAt, and a time cut to the second would place an edit made just before the
	// import (in the same second) after it.
	f.ReceivedAt = w.now().UTC()
	return w.update(func(tx *bolt.Tx) error {
		if b := tx.Bucket(bucketFeedback); b != nil && b.Get([]byte(f.FeedbackID)) != nil {
			return &DuplicateError{What: "feedback", ID: f.FeedbackID}
		}
		return w.putSealed(tx, bucketFeedback, kindFeedback, f.FeedbackID, f)
	})
}

// Feedback lists the imported feedback, oldest received first.
func (w *Wallet) Feedback() ([]FeedbackRecord, error) {
	var out []FeedbackRecord
	err := eachSealed(w, bucketFeedback, kindFeedback, "feedback record", func(id string, f *FeedbackRecord) error {
		if f.FeedbackID != id {
			return &CorruptError{Kind: "feedback record", ID: id, Err: errors.New("malformed record")}
		}
		out = append(out, *f)
		return nil
	})
	sort.SliceStable(out, func(i, j int) bool {
		if !out[i].ReceivedAt.Equal(out[j].ReceivedAt) {
			return out[i].ReceivedAt.Before(out[j].ReceivedAt)
		}
		return out[i].FeedbackID < out[j].FeedbackID
	})
	return out, err
}
