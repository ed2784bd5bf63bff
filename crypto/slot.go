package crypto

import (
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"fmt"

	"golang.org/x/crypto/chacha20poly1305"
)

// WalletKeySize is the size of the wallet key that wraps every record's file key.
const WalletKeySize = 32

// ErrWrongKey is returned by [OpenSlot] when the slot does not authenticate under the KEK:
// a wrong passphrase, a wrong device secret, or a slot copied from another wallet.
var ErrWrongKey = errors.New("key slot did not open")

// ErrMalformedSlot is returned by [OpenSlot] when the slot is too short to be one, or when
// it authenticated but its content does not parse.
var ErrMalformedSlot = errors.New("key slot is malformed")

// SlotSecrets are the long-lived secrets of a wallet, sealed together in its key slot.
type SlotSecrets struct {
	WalletKey  []byte             // 32 bytes, wraps every record's file key
	SigningKey ed25519.PrivateKey // holder's bundle-signing key
}

// NewSlotSecrets returns a fresh wallet key and signing key.
func NewSlotSecrets() (*SlotSecrets, error) {
	wk, err := randomBytes(WalletKeySize)
	if err != nil {
		return nil, fmt.Errorf("failed to generate wallet key: %w", err)
	}
	_, sk, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("failed to generate signing key: %w", err)
	}
	return &SlotSecrets{WalletKey: wk, SigningKey: sk}, nil
}

// slotVersion1 is the first byte of a slot payload: version, wallet key, Ed25519 seed.
// Only the seed is stored; the public half is recomputed on open, so it cannot disagree.
const (
	slotVersion1    = 1
	slotPayloadSize = 1 + WalletKeySize + ed25519.SeedSize
)

// slotAD binds a slot to its wallet: a slot copied into another wallet fails to open even
// when both wallets share the passphrase and device secret.
func slotAD(walletID string) []byte {
	return []byte("paspor/v1/slot\x00" + walletID)
}

// SealSlot encrypts s under kek for the wallet walletID with XChaCha20-Poly1305. A random
// 24-byte nonce is safe for any number of re-seals under the same KEK. The result is
// nonce || ciphertext.
func SealSlot(kek []byte, walletID string, s *SlotSecrets) ([]byte, error) {
	switch {
	case s == nil:
		return nil, errors.New("failed to seal key slot: no secrets")
	case len(s.WalletKey) != WalletKeySize:
		return nil, fmt.Errorf("failed to seal key slot: wallet key must be %d bytes, got %d", WalletKeySize, len(s.WalletKey))
	case len(s.SigningKey) != ed25519.PrivateKeySize:
		return nil, fmt.Errorf("failed to seal key slot: signing key must be %d bytes, got %d", ed25519.PrivateKeySize, len(s.SigningKey))
	}
	payload := make([]byte, 0, slotPayloadSize)
	payload = append(payload, slotVersion1)
	payload = append(payload, s.WalletKey...)
	payload = append(payload, s.SigningKey.Seed()...)
	defer clear(payload)
	return sealSlotPayload(kek, walletID, payload)
}

// sealSlotPayload seals an already encoded payload; tests use it to build slots that
// authenticate but do not parse.
func sealSlotPayload(kek []byte, walletID string, payload []byte) ([]byte, error) {
	aead, err := chacha20poly1305.NewX(kek)
	if err != nil {
		return nil, fmt.Errorf("failed to seal key slot: %w", err)
	}
	out := make([]byte, aead.NonceSize(), aead.NonceSize()+len(payload)+aead.Overhead())
	if _, err := rand.Read(out); err != nil {
		return nil, fmt.Errorf("failed to seal key slot: %w", err)
	}
	return aead.Seal(out, out, payload, slotAD(walletID)), nil
}

// OpenSlot decrypts a slot sealed by [SealSlot]. It returns an error wrapping [ErrWrongKey]
// when the slot does not authenticate, and one wrapping [ErrMalformedSlot] when it is too
// short or its content does not parse.
func OpenSlot(kek []byte, walletID string, sealed []byte) (*SlotSecrets, error) {
	aead, err := chacha20poly1305.NewX(kek)
	if err != nil {
		return nil, fmt.Errorf("failed to open key slot: %w", err)
	}
	if len(sealed) < aead.NonceSize()+aead.Overhead() {
		return nil, fmt.Errorf("failed to open key slot: %w", ErrMalformedSlot)
	}
	nonce, ct := sealed[:aead.NonceSize()], sealed[aead.NonceSize():]
	payload, err := aead.Open(nil, nonce, ct, slotAD(walletID))
	if err != nil {
		return nil, fmt.Errorf("failed to open key slot: %w", ErrWrongKey)
	}
	defer clear(payload)
	if len(payload) != slotPayloadSize || payload[0] != slotVersion1 {
		return nil, fmt.Errorf("failed to open key slot: %w", ErrMalformedSlot)
	}
	wk := make([]byte, WalletKeySize)
	copy(wk, payload[1:1+WalletKeySize])
	sk := ed25519.NewKeyFromSeed(payload[1+WalletKeySize:])
	return &SlotSecrets{WalletKey: wk, SigningKey: sk}, nil
}
