package request

import "fmt"

// Reasons for [RejectedError.Reason]. They are stable strings: the CLI prints them and scripts
// match on them. docs/request-format.md says which check gives which reason, in order.
const (
	// ReasonTooLarge: the file, a string or a list exceeds its cap.
	ReasonTooLarge = "too_large"
	// ReasonMalformed: not the two-part layout, not JSON, a key that is not byte-equal to a known
	// one, a duplicate key, a null, a value of the wrong JSON type, or trailing data.
	ReasonMalformed = "malformed"
	// ReasonFormat: the "format" value is not the one this reader implements.
	ReasonFormat = "format"
	// ReasonNotCanonical: the JSON is valid but not byte-equal to its canonical encoding.
	ReasonNotCanonical = "not_canonical"
	// ReasonInvalid: a value breaks its rule (ID, nonce, time, key, recipient, text).
	ReasonInvalid = "invalid"
	// ReasonScope: the scope breaks a rule (unknown type, field or scan, overlapping elements, ...).
	ReasonScope = "scope"
	// ReasonSignature: the SSHSIG is missing, malformed, of another namespace, or not a valid
	// signature by the document's own signing_key over the JSON line.
	ReasonSignature = "signature"
	// ReasonSigner: validly signed, but not by the key the caller expected.
	ReasonSigner = "signer"
	// ReasonExpired: the request's expires_at is not after the clock.
	ReasonExpired = "expired"
	// ReasonNotYetValid: created_at is more than [MaxClockSkew] after the clock.
	ReasonNotYetValid = "not_yet_valid"
	// ReasonDecrypt: feedback is not an age file, or no identity opens it.
	ReasonDecrypt = "decrypt"
	// ReasonHolder: feedback is encrypted to another holder key than the caller's.
	ReasonHolder = "holder"
	// ReasonBundle: feedback refers to another bundle than the caller expected.
	ReasonBundle = "bundle"

	// Reasons of [CheckManifest]: the bundle does not answer the request.

	// ReasonRequestID: the bundle names another request ID.
	ReasonRequestID = "request_id"
	// ReasonNonce: the bundle's nonce is not the request's.
	ReasonNonce = "nonce"
	// ReasonAudience: the bundle is not encrypted to exactly the request's recipients.
	ReasonAudience = "audience"
	// ReasonLate: the bundle was made outside the request's validity.
	ReasonLate = "late"
	// ReasonMissing: a mandatory element, field or scan is not in the bundle.
	ReasonMissing = "missing"
	// ReasonExtra: the bundle holds a document, field or scan the request did not ask for.
	ReasonExtra = "extra"
	// ReasonStale: a proof of address was issued longer ago than the element's max_age.
	ReasonStale = "stale"

	// ReasonReplay: [ReplayStore] has seen the nonce or request ID before.
	ReasonReplay = "replay"
)

// RejectedError is returned when a request, scope, feedback or bundle answer fails a check.
// Other errors (a failing reader, an unwritable file) are not RejectedErrors.
type RejectedError struct {
	// What is "request", "scope", "feedback", "answer" or "replay".
	What string
	// Reason is one of the Reason constants.
	Reason string
	// Detail is a short explanation naming at most a key, type or field name; it never quotes
	// text from the input, so it is safe to print.
	Detail string
}

// Error implements error.
func (e *RejectedError) Error() string {
	if e.Detail == "" {
		return e.What + " rejected (" + e.Reason + ")"
	}
	return e.What + " rejected (" + e.Reason + "): " + e.Detail
}

func reject(what, reason, format string, args ...any) *RejectedError {
	return &RejectedError{What: what, Reason: reason, Detail: fmt.Sprintf(format, args...)}
}
