package export

import (
	"errors"
	"slices"
	"testing"

	"github.com/paspor/paspor/crypto"
)

func TestParseRecipients(t *testing.T) {
	x, x2, pq := newPartner(t, false), newPartner(t, false), newPartner(t, true)
	ok := []struct {
		name string
		in   []string
		want []string
	}{
		{"one", []string{x.recipient}, []string{x.recipient}},
		{"two, order kept", []string{x2.recipient, x.recipient}, []string{x2.recipient, x.recipient}},
		{"duplicate counts once", []string{x.recipient, " " + x.recipient + " ", x.recipient}, []string{x.recipient}},
		{"post-quantum", []string{pq.recipient}, []string{pq.recipient}},
	}
	for _, c := range ok {
		rs, err := ParseRecipients(c.in)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if got := rs.Audience(); !slices.Equal(got, c.want) {
			t.Errorf("%s: audience %q, want %q", c.name, got, c.want)
		}
	}
	bad := []struct {
		name  string
		in    []string
		index int
		mixed bool
	}{
		{"malformed", []string{x.recipient, "age1nope"}, 2, false},
		{"identity", []string{"AGE-SECRET-KEY-1XYZ"}, 1, false},
		{"mixed", []string{x.recipient, x2.recipient, pq.recipient}, 3, true},
		{"mixed the other way", []string{pq.recipient, x.recipient}, 2, true},
	}
	for _, c := range bad {
		_, err := ParseRecipients(c.in)
		var re *RecipientError
		if !errors.As(err, &re) || re.Index != c.index || errors.Is(err, crypto.ErrMixedRecipients) != c.mixed {
			t.Errorf("%s: err = %v, want a RecipientError at %d (mixed %v)", c.name, err, c.index, c.mixed)
		}
	}
	if _, err := ParseRecipients(nil); !errors.Is(err, ErrNoRecipients) {
		t.Errorf("empty list: err = %v, want ErrNoRecipients", err)
	}
}
