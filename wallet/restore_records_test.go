package wallet

import (
	"errors"
	"io"
	"reflect"
	"testing"
	"time"
)

// requestShare is a share that answered a request of name, signed by key, at t.
func requestShare(id, name, key string, t time.Time) ShareRecord {
	return ShareRecord{BundleID: id, CreatedAt: t, ExpiresAt: t.Add(time.Hour), Audience: []string{"age1x"},
		RequestID: "r" + id, Partner: name, PartnerKey: key,
		Documents: []SharedDocument{{ID: "doc1", Type: "passport", Fields: []string{"document_no"}, Attachments: []string{}}}}
}

func partnerOf(t *testing.T, w *Wallet) KnownPartner {
	t.Helper()
	all, err := w.Partners()
	if err != nil || len(all) != 1 {
		t.Fatalf("Partners() = %+v, %v; want one", all, err)
	}
	return all[0]
}

// TestImportPinsPartners: importing shares pins their partners as recording them did, and an
// older share merged into a wallet that knows the partner from a later one only counts.
func TestImportPinsPartners(t *testing.T) {
	at := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	old, newer := "ssh-ed25519 AAAAold", "ssh-ed25519 AAAAnew"
	history := []ShareRecord{requestShare("b1", "Example Bank", old, at), requestShare("b2", "example bank", newer, at.Add(time.Hour)),
		{BundleID: "b3", CreatedAt: at.Add(2 * time.Hour)}}

	// As recorded, and as imported into an empty wallet: the same partner record.
	rec, _ := newTestWallet(t)
	defer rec.Close()
	for _, s := range history {
		if err := rec.RecordShare(s); err != nil {
			t.Fatal(err)
		}
	}
	imp, _ := newTestWallet(t)
	defer imp.Close()
	if _, err := imp.Import(ImportInput{Shares: history, Scans: noScans}); err != nil {
		t.Fatal(err)
	}
	if got, want := partnerOf(t, imp), partnerOf(t, rec); !reflect.DeepEqual(got, want) {
		t.Fatalf("imported partner %+v, recorded %+v", got, want)
	}

	// A wallet that accepted the new key later: merging the old share keeps the new key.
	w, _ := newTestWallet(t)
	defer w.Close()
	if err := w.RecordShare(requestShare("b9", "Example Bank", newer, at.Add(3*time.Hour))); err != nil {
		t.Fatal(err)
	}
	if _, err := w.Import(ImportInput{Shares: history[:1], Scans: noScans}); err != nil {
		t.Fatal(err)
	}
	p := partnerOf(t, w)
	if p.SigningKey != newer || p.Shares != 2 || !p.FirstShared.Equal(at) || !p.LastShared.Equal(at.Add(3*time.Hour)) {
		t.Fatalf("after merging an older share: %+v", p)
	}

	// A share with a partner and no key is refused, and nothing is added.
	bad := []ShareRecord{{BundleID: "b4", CreatedAt: at, Partner: "Only Name"}}
	var inv *InvalidInputError
	if _, err := imp.Import(ImportInput{Shares: bad, Scans: noScans}); !errors.As(err, &inv) {
		t.Fatalf("half a partner: err = %v, want InvalidInputError", err)
	}
}

// TestImportFeedback: feedback is stored as given (ReceivedAt kept to the nanosecond) when it
// is about a share that went to its partner key and held its items' documents; anything else
// is refused and the whole import adds nothing.
func TestImportFeedback(t *testing.T) {
	at := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	key := "ssh-ed25519 AAAAkey"
	shares := []ShareRecord{requestShare("b1b1b1b1b1b1b1b1b1b1b1b1b1b1b1b1", "Example Bank", key, at),
		{BundleID: "plain", CreatedAt: at, Documents: []SharedDocument{{ID: "doc1", Type: "passport"}}}}
	fb := testFeedback("f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1")
	fb.PartnerKey, fb.ReceivedAt = key, at.Add(123456789)

	cases := []struct {
		name string
		edit func(f *FeedbackRecord)
	}{
		{"another key", func(f *FeedbackRecord) { f.PartnerKey = "ssh-ed25519 AAAAother" }},
		{"a bundle not in the history", func(f *FeedbackRecord) { f.BundleID = "c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1" }},
		{"a bundle shared without a request", func(f *FeedbackRecord) { f.BundleID = "plain" }},
		{"a document the bundle did not hold", func(f *FeedbackRecord) { f.Items[0].DocumentID = "doc2" }},
		{"no received time", func(f *FeedbackRecord) { f.ReceivedAt = time.Time{} }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			w, _ := newTestWallet(t)
			defer w.Close()
			f := fb
			f.Items = append([]FeedbackItem(nil), fb.Items...)
			tc.edit(&f)
			var inv *InvalidInputError
			if _, err := w.Import(ImportInput{Shares: shares, Feedback: []FeedbackRecord{f}, Scans: noScans}); !errors.As(err, &inv) {
				t.Fatalf("err = %v, want InvalidInputError", err)
			}
			if got, _ := w.Shares(); len(got) != 0 {
				t.Fatalf("a refused import added %d shares", len(got))
			}
		})
	}

	w, _ := newTestWallet(t)
	defer w.Close()
	rep, err := w.Import(ImportInput{Shares: shares, Feedback: []FeedbackRecord{fb}, Scans: noScans})
	if err != nil || rep.FeedbackAdded != 1 {
		t.Fatalf("Import = %+v, %v", rep, err)
	}
	got, err := w.Feedback()
	if err != nil || len(got) != 1 || !reflect.DeepEqual(got[0], fb) {
		t.Fatalf("Feedback() = %+v, %v; want %+v", got, err, fb)
	}
	rep, err = w.Import(ImportInput{Shares: shares, Feedback: []FeedbackRecord{fb}, Scans: noScans})
	if err != nil || rep.FeedbackAdded != 0 || rep.FeedbackSkipped != 1 || rep.SharesSkipped != 2 {
		t.Fatalf("second Import = %+v, %v", rep, err)
	}
	if r, err := w.Check(); err != nil || !r.OK() {
		t.Fatalf("Check = %+v, %v", r, err)
	}
}

func noScans(func(d, a int, r io.Reader) error) error { return nil }
