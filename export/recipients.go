package export

import (
	"errors"
	"fmt"
	"slices"

	"filippo.io/age"

	"github.com/paspor/paspor/crypto"
)

// ErrNoRecipients is returned by [ParseRecipients] for an empty list.
var ErrNoRecipients = errors.New("no recipients")

// RecipientError says which recipient of a list could not be used. Err is the parser's error,
// or [crypto.ErrMixedRecipients] when this recipient is the first of the other kind.
type RecipientError struct {
	// Index is the recipient's 1-based position in the list given to [ParseRecipients].
	Index int
	// Err says what is wrong with it; it never holds the recipient itself.
	Err error
}

// Error implements error.
func (e *RecipientError) Error() string {
	return fmt.Sprintf("recipient %d: %v", e.Index, e.Err)
}

// Unwrap returns Err, so that errors.Is finds [crypto.ErrMixedRecipients].
func (e *RecipientError) Unwrap() error { return e.Err }

// Recipients are the parsed partner recipients of one bundle: all classic or all
// post-quantum, without duplicates. The zero value is unusable; make one with [ParseRecipients].
type Recipients struct {
	recipients []age.Recipient
	audience   []string
}

// ParseRecipients parses partner recipient strings (see [crypto.ParseRecipient]) once, for
// [WriteOptions.Recipients]. A recipient given twice (in any spelling of one key) counts once.
// Errors are a [*RecipientError] or [ErrNoRecipients].
func ParseRecipients(list []string) (*Recipients, error) {
	if len(list) == 0 {
		return nil, ErrNoRecipients
	}
	var rs Recipients
	var kinds []crypto.RecipientKind
	for i, s := range list {
		r, kind, canonical, err := crypto.ParseRecipient(s)
		if err != nil {
			return nil, &RecipientError{Index: i + 1, Err: err}
		}
		if slices.Contains(rs.audience, canonical) {
			continue
		}
		if err := crypto.CheckRecipientMix(append(kinds, kind)); err != nil {
			return nil, &RecipientError{Index: i + 1, Err: err}
		}
		rs.recipients, rs.audience, kinds = append(rs.recipients, r), append(rs.audience, canonical), append(kinds, kind)
	}
	return &rs, nil
}

// Audience returns the canonical recipient strings, in the order given: what a bundle's
// signed audience lists.
func (r *Recipients) Audience() []string { return slices.Clone(r.audience) }

// AgeRecipients returns the parsed recipients, in the order of [Recipients.Audience], for
// writers of other formats encrypted to the same kinds of keys (paspor-backup/1).
func (r *Recipients) AgeRecipients() []age.Recipient { return slices.Clone(r.recipients) }
