package crypto

import (
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
	"errors"
)

// HeaderMACSize is the size of a wallet header's MAC.
const HeaderMACSize = sha256.Size

// headerMACInfo separates the header MAC key from every other key derived from the device
// secret.
const headerMACInfo = "paspor/v2/header-mac"

// ErrHeaderMAC means a header MAC does not verify: the header was changed, or the device
// secret is not the one that wrote it.
var ErrHeaderMAC = errors.New("header MAC does not verify")

// HeaderMAC authenticates a wallet's public header (format, wallet ID, factor kind, KDF
// parameters, salt, key slot, given as fields in a fixed order) under a key derived from
// the device secret alone: HMAC-SHA256 keyed with HKDF-SHA256(device secret, "paspor/v2/
// header-mac"). It needs no KDF, so a tampered header (4 GiB of Argon2id memory, a flipped
// factor kind) is refused before anything expensive runs. Each field is length-prefixed, so
// the encoding is unambiguous.
func HeaderMAC(deviceSecret []byte, fields ...[]byte) ([]byte, error) {
	if len(deviceSecret) != DeviceSecretSize {
		return nil, errors.New("failed to compute header MAC: device secret has the wrong size")
	}
	key, err := hkdf.Key(sha256.New, deviceSecret, nil, headerMACInfo, sha256.Size)
	if err != nil {
		return nil, err
	}
	defer clear(key)
	m := hmac.New(sha256.New, key)
	var n [8]byte
	for _, f := range fields {
		binary.BigEndian.PutUint64(n[:], uint64(len(f)))
		m.Write(n[:])
		m.Write(f)
	}
	return m.Sum(nil), nil
}

// VerifyHeaderMAC checks mac against the fields in constant time; it returns ErrHeaderMAC
// when they do not match.
func VerifyHeaderMAC(deviceSecret, mac []byte, fields ...[]byte) error {
	want, err := HeaderMAC(deviceSecret, fields...)
	if err != nil {
		return err
	}
	if !hmac.Equal(want, mac) {
		return ErrHeaderMAC
	}
	return nil
}
