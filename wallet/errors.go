package wallet

import (
	"errors"
	"fmt"

	"github.com/paspor/paspor/wallet/factor"
	"github.com/paspor/paspor/wallet/schema"
)

// Errors the wallet returns; the CLI maps each class to a stable exit code.
var (
	// ErrNotInitialized means no wallet file exists at the path.
	ErrNotInitialized = errors.New("wallet is not initialised")
	// ErrAlreadyExists means init found a wallet (or a key file) where it would write one.
	ErrAlreadyExists = errors.New("wallet already exists")
	// ErrUnlockFailed means the passphrase or the device secret is wrong: the two cannot be
	// told apart, by design, since only their combination opens the key slot.
	ErrUnlockFailed = errors.New("wrong passphrase or second factor")
	// ErrFactorMissing means the device secret is not where the wallet expects it (no keyring
	// entry, no key file); the recovery code re-installs it. It is [factor.ErrMissing].
	ErrFactorMissing = factor.ErrMissing
	// ErrFactorUnavailable means the keyring could not be reached or did not answer in time.
	// It is [factor.ErrUnavailable].
	ErrFactorUnavailable = factor.ErrUnavailable
	// ErrWalletInUse means another process holds the wallet lock.
	ErrWalletInUse = errors.New("wallet is in use by another process")
	// ErrCorrupt means a record failed authentication or does not parse: the file was damaged
	// or tampered with.
	ErrCorrupt = errors.New("wallet data is damaged or was tampered with")
)

// NotFoundError reports a document, attachment or other item that does not exist.
type NotFoundError struct {
	What string // "document", "attachment", ...
	ID   string // what was asked for (an ID, prefix or role: never document content)
}

func (e *NotFoundError) Error() string { return fmt.Sprintf("%s %q not found", e.What, e.ID) }

// AmbiguousError reports an ID prefix or type that matches several documents.
type AmbiguousError struct {
	Prefix  string
	Matches []string // the matching IDs
}

func (e *AmbiguousError) Error() string {
	return fmt.Sprintf("%q matches %d documents", e.Prefix, len(e.Matches))
}

// InvalidInputError reports input that fails validation. It is the schema's type, so one
// type covers the schema's and the wallet's validation failures. Reason never repeats the
// value, which may be document content.
type InvalidInputError = schema.InvalidInputError

// TooLargeError reports an attachment larger than the size cap; nothing was stored.
type TooLargeError struct {
	Role  string // the attachment's role
	Limit int64  // the cap in bytes
}

func (e *TooLargeError) Error() string {
	return fmt.Sprintf("%s: larger than the %s cap", e.Role, FormatSize(e.Limit))
}

// CorruptError says which record failed authentication; it unwraps to ErrCorrupt.
type CorruptError struct {
	Kind string // "document", "attachment", "key slot", ...
	ID   string
	Err  error
}

func (e *CorruptError) Error() string {
	return fmt.Sprintf("%s %s is damaged or was tampered with", e.Kind, e.ID)
}

// Unwrap returns ErrCorrupt so that errors.Is(err, ErrCorrupt) holds.
func (e *CorruptError) Unwrap() []error { return []error{ErrCorrupt, e.Err} }
