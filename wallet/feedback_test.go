package wallet

import (
	"errors"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

func testFeedback(id string) FeedbackRecord {
	return FeedbackRecord{FeedbackID: id, BundleID: "b1b1b1b1b1b1b1b1b1b1b1b1b1b1b1b1", Partner: "Example Bank",
		PartnerKey: "ssh-ed25519 AAAAtest", CreatedAt: time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC),
		Items: []FeedbackItem{{Source: "selfie", DocumentID: "doc1", Type: "passport", FileHash: "ab", Message: "blurred"}}}
}

func TestFeedbackRecordRoundTrip(t *testing.T) {
	w, tw := newTestWallet(t)
	if err := w.RecordFeedback(testFeedback("f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1")); err != nil {
		t.Fatal(err)
	}
	var dup *DuplicateError
	if err := w.RecordFeedback(testFeedback("f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1")); !errors.As(err, &dup) {
		t.Fatalf("second import: err = %v, want DuplicateError", err)
	}
	if err := w.RecordFeedback(FeedbackRecord{FeedbackID: "x"}); err == nil {
		t.Fatal("feedback without bundle or items was recorded")
	}
	w.Close()
	w = mustUnlock(t, tw)
	defer w.Close()
	got, err := w.Feedback()
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].Items[0].Message != "blurred" || got[0].ReceivedAt.IsZero() {
		t.Fatalf("Feedback() = %+v", got)
	}
	rep, err := w.Check()
	if err != nil || !rep.OK() {
		t.Fatalf("Check = %+v, %v", rep, err)
	}
}

func TestRecordSharePinsPartner(t *testing.T) {
	w, _ := newTestWallet(t)
	defer w.Close()
	at := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	for i, key := range []string{"ssh-ed25519 AAAAone", "ssh-ed25519 AAAAone", "ssh-ed25519 AAAAtwo"} {
		s := ShareRecord{BundleID: string(rune('a'+i)) + "bundle", CreatedAt: at.Add(time.Duration(i) * time.Hour),
			Partner: []string{"Example Bank", "example bank", "Example Bank"}[i], PartnerKey: key}
		if err := w.RecordShare(s); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.RecordShare(ShareRecord{BundleID: "plain"}); err != nil {
		t.Fatal(err)
	}
	all, err := w.Partners()
	if err != nil || len(all) != 1 {
		t.Fatalf("Partners() = %+v, %v; want one partner, pinned by name", all, err)
	}
	p := all[0]
	if p.Name != "Example Bank" || p.SigningKey != "ssh-ed25519 AAAAtwo" || p.Shares != 3 ||
		!p.FirstShared.Equal(at) || !p.LastShared.Equal(at.Add(2*time.Hour)) {
		t.Fatalf("partner = %+v", p)
	}
	got, sameKey, err := w.LookupPartner("EXAMPLE BANK", "ssh-ed25519 AAAAtwo")
	if err != nil || got == nil || len(sameKey) != 0 {
		t.Fatalf("LookupPartner = %+v, %+v, %v", got, sameKey, err)
	}
	got, sameKey, err = w.LookupPartner("Other Bank", "ssh-ed25519 AAAAtwo")
	if err != nil || got != nil || len(sameKey) != 1 {
		t.Fatalf("LookupPartner(other name, same key) = %+v, %+v, %v", got, sameKey, err)
	}
	if err := w.RecordShare(ShareRecord{BundleID: "half", Partner: "Only Name"}); err == nil {
		t.Fatal("a share with a partner name but no key was recorded")
	}
}

// Known partners and feedback are covered by the sealed state: deleting one is seen at the
// next unlock, while a wallet that never had those buckets (every wallet before them) opens.
func TestFeedbackDeletionDetected(t *testing.T) {
	for _, bucket := range [][]byte{bucketFeedback, bucketPartners} {
		t.Run(string(bucket), func(t *testing.T) {
			w, tw := newTestWallet(t)
			if err := w.RecordFeedback(testFeedback("f2f2f2f2f2f2f2f2f2f2f2f2f2f2f2f2")); err != nil {
				t.Fatal(err)
			}
			if err := w.RecordShare(ShareRecord{BundleID: "s", Partner: "P", PartnerKey: "ssh-ed25519 AAAAk"}); err != nil {
				t.Fatal(err)
			}
			w.Close()
			mustUnlock(t, tw).Close()
			db, err := bolt.Open(tw.path, 0o600, nil)
			if err != nil {
				t.Fatal(err)
			}
			err = db.Update(func(tx *bolt.Tx) error {
				b := tx.Bucket(bucket)
				k, _ := b.Cursor().First()
				return b.Delete(k)
			})
			db.Close()
			if err != nil {
				t.Fatal(err)
			}
			if _, err := tw.unlock(t, tw.pass, tw.factor); !errors.Is(err, ErrCorrupt) {
				t.Fatalf("unlock after deleting a %s record: err = %v, want ErrCorrupt", bucket, err)
			}
		})
	}
}
