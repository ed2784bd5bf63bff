package crypto

import (
	"crypto/hkdf"
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"fmt"

	"golang.org/x/crypto/argon2"
)

// KDFParams are the Argon2id parameters used to stretch the passphrase. They are stored in
// the wallet so that a wallet created with other parameters still opens.
type KDFParams struct {
	MemoryKiB   uint32 `json:"memory_kib"`
	Iterations  uint32 `json:"iterations"`
	Parallelism uint8  `json:"parallelism"`
}

// Limits accepted by [KDFParams.Validate]. The maximums exist because the parameters are
// read from the wallet file: a tampered file must not make unlocking take gigabytes of
// memory or hours of CPU.
const (
	MinKDFMemoryKiB  = 8 * 1024
	MinKDFIterations = 1
	MaxKDFMemoryKiB  = 4 * 1024 * 1024
	MaxKDFIterations = 64
)

// DefaultKDFParams returns the second recommended Argon2id setting of RFC 9106 (64 MiB,
// three passes, four lanes), which stays usable on small machines.
func DefaultKDFParams() KDFParams {
	return KDFParams{MemoryKiB: 64 * 1024, Iterations: 3, Parallelism: 4}
}

// Validate reports whether p is within the accepted limits.
func (p KDFParams) Validate() error {
	switch {
	case p.MemoryKiB < MinKDFMemoryKiB:
		return fmt.Errorf("invalid KDF parameters: memory %d KiB is below the minimum of %d KiB", p.MemoryKiB, MinKDFMemoryKiB)
	case p.MemoryKiB > MaxKDFMemoryKiB:
		return fmt.Errorf("invalid KDF parameters: memory %d KiB is above the maximum of %d KiB", p.MemoryKiB, MaxKDFMemoryKiB)
	case p.Iterations < MinKDFIterations:
		return fmt.Errorf("invalid KDF parameters: %d iterations is below the minimum of %d", p.Iterations, MinKDFIterations)
	case p.Iterations > MaxKDFIterations:
		return fmt.Errorf("invalid KDF parameters: %d iterations is above the maximum of %d", p.Iterations, MaxKDFIterations)
	case p.Parallelism == 0:
		return errors.New("invalid KDF parameters: parallelism must be at least 1")
	}
	return nil
}

// Weak reports whether p costs an attacker less than the defaults. Parallelism is not
// considered: fewer lanes make unlocking slower for the holder, not cheaper for an attacker.
func (p KDFParams) Weak() bool {
	d := DefaultKDFParams()
	return p.MemoryKiB < d.MemoryKiB || p.Iterations < d.Iterations
}

// DeviceSecretSize is the size of the device secret, the second unlock factor.
const DeviceSecretSize = 32

// SaltSize is the size of the Argon2id salt stored in the wallet.
const SaltSize = 16

// kekSize is the size of the key-encryption key (a ChaCha20-Poly1305 key).
const kekSize = 32

// NewDeviceSecret returns a fresh random device secret.
func NewDeviceSecret() ([]byte, error) {
	return randomBytes(DeviceSecretSize)
}

// NewSalt returns a fresh random Argon2id salt.
func NewSalt() ([]byte, error) {
	return randomBytes(SaltSize)
}

func randomBytes(n int) ([]byte, error) {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		return nil, fmt.Errorf("failed to read random bytes: %w", err)
	}
	return b, nil
}

// DeriveKEK derives the key-encryption key that seals the wallet's key slot. Both factors are
// needed: the Argon2id output of the passphrase and the device secret are fed together into
// HKDF-SHA256, salted with the wallet ID so that the same factors give another KEK in another
// wallet. salt must be [SaltSize] bytes and deviceSecret [DeviceSecretSize] bytes.
func DeriveKEK(passphrase, deviceSecret, salt []byte, walletID string, p KDFParams) ([]byte, error) {
	switch {
	case len(passphrase) == 0:
		return nil, errors.New("failed to derive key: passphrase is empty")
	case len(deviceSecret) != DeviceSecretSize:
		return nil, fmt.Errorf("failed to derive key: device secret must be %d bytes, got %d", DeviceSecretSize, len(deviceSecret))
	case len(salt) != SaltSize:
		return nil, fmt.Errorf("failed to derive key: salt must be %d bytes, got %d", SaltSize, len(salt))
	case walletID == "":
		return nil, errors.New("failed to derive key: wallet ID is empty")
	}
	if err := p.Validate(); err != nil {
		return nil, fmt.Errorf("failed to derive key: %w", err)
	}

	// ikm = K_pw || K_dev; both halves are wiped once HKDF has consumed them.
	kpw := argon2.IDKey(passphrase, salt, p.Iterations, p.MemoryKiB, p.Parallelism, 32)
	defer clear(kpw)
	ikm := make([]byte, 0, len(kpw)+DeviceSecretSize)
	ikm = append(ikm, kpw...)
	ikm = append(ikm, deviceSecret...)
	defer clear(ikm)

	kek, err := hkdf.Key(sha256.New, ikm, []byte(walletID), "paspor/v1/kek", kekSize)
	if err != nil {
		return nil, fmt.Errorf("failed to derive key: %w", err)
	}
	return kek, nil
}
