package export

import (
	"fmt"
	"io/fs"
)

// Reasons a bundle is rejected, as [RejectedError.Reason]. They are stable strings: the CLI
// prints them and partners' scripts match on them. docs/bundle-format.md lists the order in
// which [Open] checks them.
const (
	// ReasonDecrypt: the file is not an age file, no identity opens it, or the ciphertext is damaged.
	ReasonDecrypt = "decrypt"
	// ReasonNotABundle: the plaintext is not a tar, or manifest.json is missing, invalid or of an unknown format.
	ReasonNotABundle = "not_a_bundle"
	// ReasonUnsafeEntry: a tar header is not the canonical ustar header of a 0600 regular file
	// (pax and GNU headers, links, devices, owners, set-id bits), or a name is unsafe or repeated.
	ReasonUnsafeEntry = "unsafe_entry"
	// ReasonSignature: SHA256SUMS or SHA256SUMS.sig is missing, or the signature is not a valid
	// SSHSIG by the manifest's holder key over SHA256SUMS.
	ReasonSignature = "signature"
	// ReasonHolder: the bundle is validly signed, but not by the holder the partner pinned.
	ReasonHolder = "holder"
	// ReasonAudience: the audience does not list the recipient of the identity that decrypted
	// the bundle, or the age header has recipient stanzas the audience does not account for.
	ReasonAudience = "audience"
	// ReasonNotYetValid: the bundle's created_at is more than 5 minutes after the partner's clock.
	ReasonNotYetValid = "not_yet_valid"
	// ReasonExpired: the bundle's expires_at is in the past.
	ReasonExpired = "expired"
	// ReasonNonce: the manifest's nonce differs from the one the partner expects.
	ReasonNonce = "nonce"
	// ReasonHash: a size or SHA-256 differs between the content, the manifest and SHA256SUMS,
	// or SHA256SUMS does not cover exactly manifest.json and the manifest's files.
	ReasonHash = "hash"
	// ReasonMissingFile: a file the manifest lists is not in the tar.
	ReasonMissingFile = "missing_file"
	// ReasonExtraFile: the tar holds a file the manifest does not list.
	ReasonExtraFile = "extra_file"
	// ReasonMediaType: a file's content is not of the media type the manifest declares.
	ReasonMediaType = "media_type"
	// ReasonTooLarge: a file, the whole tar, or the number of entries exceeds its cap.
	ReasonTooLarge = "too_large"
)

// RejectedError is returned by [Open] when a bundle fails a check. Other errors from Open
// (an unwritable OutDir, a failing reader) are not RejectedErrors.
type RejectedError struct {
	// Reason is one of the Reason constants.
	Reason string
	// Detail is a short explanation naming at most a path inside the bundle; never document content.
	Detail string
}

// Error implements error.
func (e *RejectedError) Error() string {
	if e.Detail == "" {
		return "bundle rejected (" + e.Reason + ")"
	}
	return "bundle rejected (" + e.Reason + "): " + e.Detail
}

func reject(reason, format string, args ...any) *RejectedError {
	return &RejectedError{Reason: reason, Detail: fmt.Sprintf(format, args...)}
}

// ExistsError is returned by [Open] when a bundle passed every check but its folder in
// OutDir already exists (the bundle was opened there before, or is being opened there by
// another process). Nothing was replaced. It wraps [fs.ErrExist].
type ExistsError struct {
	BundleID string // the checked bundle's ID
	Dir      string // the folder that exists: OutDir/BundleID
}

// Error implements error.
func (e *ExistsError) Error() string {
	return "failed to move bundle into place: " + e.Dir + ": " + fs.ErrExist.Error()
}

// Unwrap returns [fs.ErrExist].
func (e *ExistsError) Unwrap() error { return fs.ErrExist }
