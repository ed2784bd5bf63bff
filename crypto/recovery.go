package crypto

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base32"
	"errors"
	"fmt"
	"strings"
)

// ErrRecoveryCodeFormat is wrapped by [DecodeRecoveryCode] errors when the code has the
// wrong length or a character outside the alphabet.
var ErrRecoveryCodeFormat = errors.New("recovery code is malformed")

// ErrRecoveryCodeChecksum is wrapped by [DecodeRecoveryCode] errors when the code is well
// formed but its checksum does not match, which is almost always a typo.
var ErrRecoveryCodeChecksum = errors.New("recovery code checksum does not match")

const (
	recoveryPrefix       = "PASPOR"
	recoveryChecksumSize = 3
	recoveryGroupSize    = 7
	// recoveryCodeChars is the number of base32 characters: 35 bytes are exactly 280 bits,
	// so no character carries padding bits and every typo changes the decoded bytes.
	recoveryCodeChars = (DeviceSecretSize + recoveryChecksumSize) * 8 / 5
	// maxRecoveryInput bounds the work done on pasted input.
	maxRecoveryInput = 1024
)

// crockford is Crockford's base32 alphabet: no I, L, O or U, so that the code reads aloud
// and copies by hand without ambiguity.
const crockfordAlphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

var crockford = base32.NewEncoding(crockfordAlphabet).WithPadding(base32.NoPadding)

// recoveryChecksum is domain separated so that it says nothing reusable about the secret.
func recoveryChecksum(secret []byte) []byte {
	h := sha256.New()
	h.Write([]byte("paspor/v1/recovery\x00"))
	h.Write(secret)
	return h.Sum(nil)[:recoveryChecksumSize]
}

// EncodeRecoveryCode returns the recovery code of a device secret: "PASPOR-" and eight
// groups of seven Crockford base32 characters, the last 24 bits being a checksum.
func EncodeRecoveryCode(secret []byte) (string, error) {
	if len(secret) != DeviceSecretSize {
		return "", fmt.Errorf("failed to encode recovery code: secret must be %d bytes, got %d", DeviceSecretSize, len(secret))
	}
	raw := make([]byte, 0, DeviceSecretSize+recoveryChecksumSize)
	raw = append(raw, secret...)
	raw = append(raw, recoveryChecksum(secret)...)
	defer clear(raw)
	enc := crockford.EncodeToString(raw)

	var b strings.Builder
	b.WriteString(recoveryPrefix)
	for i := 0; i < len(enc); i += recoveryGroupSize {
		b.WriteByte('-')
		b.WriteString(enc[i : i+recoveryGroupSize])
	}
	return b.String(), nil
}

// DecodeRecoveryCode returns the device secret in a recovery code. It forgives what people
// do when copying a code by hand: any case, spaces, dashes and line breaks, O for 0, I or L
// for 1, and a missing "PASPOR-" prefix. Errors wrap [ErrRecoveryCodeFormat] or
// [ErrRecoveryCodeChecksum] and never quote the input.
func DecodeRecoveryCode(s string) ([]byte, error) {
	if len(s) > maxRecoveryInput {
		return nil, fmt.Errorf("failed to decode recovery code: %w: too long", ErrRecoveryCodeFormat)
	}
	clean := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == ' ' || c == '-' || c == '\n' || c == '\r' || c == '\t':
			continue
		case 'a' <= c && c <= 'z':
			c -= 'a' - 'A'
		}
		switch c {
		case 'O':
			c = '0'
		case 'I', 'L':
			c = '1'
		}
		clean = append(clean, c)
	}
	defer clear(clean)
	// The prefix went through the same mapping, so it now reads "PASP0R".
	if mapped := "PASP0R"; len(clean) == len(mapped)+recoveryCodeChars && string(clean[:len(mapped)]) == mapped {
		clean = clean[len(mapped):]
	}
	if len(clean) != recoveryCodeChars {
		return nil, fmt.Errorf("failed to decode recovery code: %w: expected %d characters, got %d", ErrRecoveryCodeFormat, recoveryCodeChars, len(clean))
	}
	for i, c := range clean {
		if strings.IndexByte(crockfordAlphabet, c) < 0 {
			// The position helps the holder find the typo; the character is not echoed.
			return nil, fmt.Errorf("failed to decode recovery code: %w: character %d is not valid", ErrRecoveryCodeFormat, i+1)
		}
	}
	raw := make([]byte, DeviceSecretSize+recoveryChecksumSize)
	defer clear(raw)
	if _, err := crockford.Decode(raw, clean); err != nil {
		return nil, fmt.Errorf("failed to decode recovery code: %w", ErrRecoveryCodeFormat)
	}
	secret, sum := raw[:DeviceSecretSize], raw[DeviceSecretSize:]
	if subtle.ConstantTimeCompare(sum, recoveryChecksum(secret)) != 1 {
		return nil, fmt.Errorf("failed to decode recovery code: %w", ErrRecoveryCodeChecksum)
	}
	out := make([]byte, DeviceSecretSize)
	copy(out, secret)
	return out, nil
}
