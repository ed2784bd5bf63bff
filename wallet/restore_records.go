package wallet

import (
	"crypto/rand"
	"encoding/hex"
	"slices"

	bolt "go.etcd.io/bbolt"
)

// pinRestored pins the partner of a restored share, as RecordShare did when it was made.
// Shares come oldest first, so replaying them gives each partner the key of its latest share.
// Merged into a wallet that knows the partner from a later share, an older share only counts:
// it never puts back a key the holder has since accepted a change from.
func (w *Wallet) pinRestored(tx *bolt.Tx, s ShareRecord) error {
	if s.Partner == "" && s.PartnerKey == "" {
		return nil
	}
	if s.Partner == "" || s.PartnerKey == "" {
		return &InvalidInputError{Field: "share " + s.BundleID, Reason: "partner without its key, or a key without its partner"}
	}
	id, rec := "", KnownPartner{Name: s.Partner, SigningKey: s.PartnerKey, FirstShared: s.CreatedAt, LastShared: s.CreatedAt}
	if b := tx.Bucket(bucketPartners); b != nil {
		err := b.ForEach(func(k, sealed []byte) error {
			p, err := openSealed[KnownPartner](w, kindPartner, "partner record", string(k), sealed)
			if err != nil {
				return err
			}
			if sameName(p.Name, s.Partner) {
				id, rec = string(k), *p
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	if id == "" {
		var b [16]byte
		if _, err := rand.Read(b[:]); err != nil {
			return err
		}
		id = hex.EncodeToString(b[:])
	} else if !s.CreatedAt.Before(rec.LastShared) {
		rec.SigningKey, rec.LastShared = s.PartnerKey, s.CreatedAt
	} else if s.CreatedAt.Before(rec.FirstShared) {
		rec.FirstShared = s.CreatedAt
	}
	rec.Shares++
	return w.putSealed(tx, bucketPartners, kindPartner, id, rec)
}

// commitFeedback stores imported feedback records not yet in the wallet, each about a share
// now in tx that went to the feedback's partner key and held the documents its items name.
func (w *Wallet) commitFeedback(tx *bolt.Tx, feedback []FeedbackRecord, rep *ImportReport) error {
	for _, f := range feedback {
		if f.FeedbackID == "" || f.BundleID == "" || len(f.Items) == 0 || f.ReceivedAt.IsZero() {
			return &InvalidInputError{Field: "feedback", Reason: "empty feedback ID, bundle ID, items or received time"}
		}
		if b := tx.Bucket(bucketFeedback); b != nil && b.Get([]byte(f.FeedbackID)) != nil {
			rep.FeedbackSkipped++
			continue
		}
		sealed := tx.Bucket(bucketShares).Get([]byte(f.BundleID))
		if sealed == nil {
			return &InvalidInputError{Field: "feedback " + f.FeedbackID, Reason: "about a bundle the history does not hold"}
		}
		s, err := w.openShare(f.BundleID, sealed)
		if err != nil {
			return err
		}
		if s.PartnerKey == "" || s.PartnerKey != f.PartnerKey {
			return &InvalidInputError{Field: "feedback " + f.FeedbackID, Reason: "signed by a key the bundle did not go to"}
		}
		for _, it := range f.Items {
			if !slices.ContainsFunc(s.Documents, func(d SharedDocument) bool { return d.ID == it.DocumentID && d.Type == it.Type }) {
				return &InvalidInputError{Field: "feedback " + f.FeedbackID, Reason: "an item names a document the bundle did not hold"}
			}
		}
		if err := w.putSealed(tx, bucketFeedback, kindFeedback, f.FeedbackID, f); err != nil {
			return err
		}
		rep.FeedbackAdded++
	}
	return nil
}
