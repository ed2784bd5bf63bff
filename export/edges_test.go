package export

import (
	"bytes"
	"errors"
	"testing"
	"time"
)

// TestEdges: the exact edge of expiry, of the clock-skew allowance and of every cap, one step
// inside (accepted) and one step outside (rejected with its reason).
func TestEdges(t *testing.T) {
	p := newPartner(t, false)
	plain := newCraft(p.recipient).tar(t)
	selfie := newCraft(p.recipient).manifest.Documents[0].Files[0].Size
	many := func(n int) []byte {
		c := newCraft(p.recipient)
		addTranslations(c, n, 5)
		return c.tar(t)
	}
	cases := []struct {
		name   string
		plain  []byte
		opts   func(*OpenOptions)
		reason string // "" for accepted
	}{
		{"at expires_at", plain, func(o *OpenOptions) { o.Now = testNow.Add(time.Hour) }, ""},
		{"one second after expires_at", plain, func(o *OpenOptions) { o.Now = testNow.Add(time.Hour + time.Second) }, ReasonExpired},
		{"created 5 minutes ahead of the clock", plain, func(o *OpenOptions) { o.Now = testNow.Add(-5 * time.Minute) }, ""},
		{"created 5 minutes and 1 second ahead", plain, func(o *OpenOptions) { o.Now = testNow.Add(-5*time.Minute - time.Second) }, ReasonNotYetValid},
		{"file at the file cap", plain, func(o *OpenOptions) { o.MaxFileSize = selfie }, ""},
		{"file one byte over the file cap", plain, func(o *OpenOptions) { o.MaxFileSize = selfie - 1 }, ReasonTooLarge},
		{"tar at the total cap", plain, func(o *OpenOptions) { o.MaxTotalSize = int64(len(plain)) }, ""},
		{"tar one byte over the total cap", plain, func(o *OpenOptions) { o.MaxTotalSize = int64(len(plain)) - 1 }, ReasonTooLarge},
		{"997 files (1000 entries)", many(maxEntries - 4), nil, ""},
		{"998 files (1001 entries)", many(maxEntries - 3), nil, ReasonTooLarge},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			opts := OpenOptions{Identities: p.ids, Now: testNow, OutDir: t.TempDir()}
			if c.opts != nil {
				c.opts(&opts)
			}
			_, err := Open(bytes.NewReader(encryptTo(t, c.plain, p.recipient)), opts)
			var rej *RejectedError
			switch {
			case c.reason == "" && err != nil:
				t.Fatalf("rejected: %v", err)
			case c.reason != "" && (!errors.As(err, &rej) || rej.Reason != c.reason):
				t.Fatalf("Open = %v, want reason %q", err, c.reason)
			}
		})
	}
}
