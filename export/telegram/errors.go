package telegram

import "fmt"

// Reasons Telegram Passport data is rejected, as [RejectedError.Reason]. They are stable
// strings: the CLI prints them and bots' scripts may match on them.
const (
	// ReasonMalformed: the JSON, a base64 field, or a structure inside it is not what
	// Telegram sends (a missing field, a wrong type, a length that is not a multiple of 16).
	ReasonMalformed = "malformed"
	// ReasonKey: the credentials secret does not decrypt with the bot's private key (another
	// key, damaged, or encrypted with something other than RSA-OAEP with SHA-1).
	ReasonKey = "key"
	// ReasonHash: the SHA-256 of a decrypted element, file or the credentials differs from
	// its hash (wrong secret, tampered or damaged ciphertext).
	ReasonHash = "hash"
	// ReasonPadding: the hash checked but the padding length byte is below 32, above 255 or
	// beyond the data.
	ReasonPadding = "padding"
	// ReasonSecret: a secret in the credentials is not 32 bytes.
	ReasonSecret = "secret"
	// ReasonCredentials: an element has no credentials, or its credentials and its
	// data do not match (a file without a secret, a data hash that differs).
	ReasonCredentials = "credentials"
	// ReasonNonce: the credentials' nonce differs from the one the bot expects.
	ReasonNonce = "nonce"
	// ReasonTooLarge: the input exceeds a size cap.
	ReasonTooLarge = "too_large"
)

// RejectedError is returned when Telegram Passport data fails a check.
type RejectedError struct {
	// Reason is one of the Reason constants.
	Reason string
	// Element names where the failure is (an element type and a role such as
	// "driver_license front_side"), or "credentials"; empty when it concerns the whole input.
	Element string
	// Detail is a short explanation; never document content or a secret.
	Detail string
}

// Error implements error.
func (e *RejectedError) Error() string {
	s := "telegram passport data rejected (" + e.Reason + ")"
	if e.Element != "" {
		s += ": " + e.Element
	}
	if e.Detail != "" {
		s += ": " + e.Detail
	}
	return s
}

func reject(reason, element, format string, args ...any) *RejectedError {
	return &RejectedError{Reason: reason, Element: element, Detail: fmt.Sprintf(format, args...)}
}
