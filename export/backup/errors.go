package backup

import (
	"errors"
	"fmt"
)

// Reasons a backup is rejected, as [RejectedError.Reason]: stable strings the CLI prints and
// scripts may match on. docs/backup-format.md lists the order in which [Open] checks them.
const (
	// ReasonDecrypt: not an age file, no identity (or not the passphrase) opens it, or the
	// ciphertext is damaged.
	ReasonDecrypt = "decrypt"
	// ReasonDamaged: the age file opened, but its encrypted data is damaged or truncated.
	ReasonDamaged = "damaged"
	// ReasonNotABackup: the plaintext is not a tar, or manifest.json is missing, malformed or
	// of an unknown format.
	ReasonNotABackup = "not_a_backup"
	// ReasonUnsafeEntry: a tar header is not the canonical ustar header of a 0600 regular file,
	// or an entry name is not one the format writes.
	ReasonUnsafeEntry = "unsafe_entry"
	// ReasonSignature: SHA256SUMS or SHA256SUMS.sig is missing or malformed, or the signature
	// is not a valid SSHSIG by the manifest's holder key over SHA256SUMS.
	ReasonSignature = "signature"
	// ReasonHolder: validly signed, but not by the holder key the caller pinned, or holder.pub
	// and holder.key are not the manifest's key.
	ReasonHolder = "holder"
	// ReasonHash: an entry's size or SHA-256 differs from SHA256SUMS or its document.json, or
	// SHA256SUMS does not list exactly the backup's entries.
	ReasonHash = "hash"
	// ReasonMissingFile: an entry the backup must hold is not where the format puts it.
	ReasonMissingFile = "missing_file"
	// ReasonExtraFile: the tar holds an entry that is not listed, or data after the last scan.
	ReasonExtraFile = "extra_file"
	// ReasonInvalid: a JSON file is not strict JSON of its shape, or a document, share or
	// feedback entry fails the wallet's schema, or a count is wrong.
	ReasonInvalid = "invalid"
	// ReasonTooLarge: an entry or the whole tar exceeds its cap.
	ReasonTooLarge = "too_large"
)

// RejectedError is returned when a backup fails a check. Other errors (a failing reader, an
// interrupted copy) are not RejectedErrors.
type RejectedError struct {
	// Reason is one of the Reason constants.
	Reason string
	// Detail is a short explanation naming at most an entry of the backup; never content.
	Detail string
}

// Error implements error.
func (e *RejectedError) Error() string {
	if e.Detail == "" {
		return "backup rejected (" + e.Reason + ")"
	}
	return "backup rejected (" + e.Reason + "): " + e.Detail
}

func reject(reason, format string, args ...any) *RejectedError {
	return &RejectedError{Reason: reason, Detail: fmt.Sprintf(format, args...)}
}

// ErrNoRecipients is returned by [Write] when it has neither recipients nor a passphrase.
var ErrNoRecipients = errors.New("no recipients and no passphrase")

// ErrRecipientsAndPassphrase is returned by [Write] when it has both: age's scrypt recipient
// must be a file's only recipient.
var ErrRecipientsAndPassphrase = errors.New("a passphrase backup cannot have other recipients")
