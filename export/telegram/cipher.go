package telegram

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"crypto/sha512"
	"crypto/subtle"
	"fmt"
	"io"
)

// SecretSize is the length of every element, file and credentials secret.
const SecretSize = 32

const (
	minPadding = 32
	maxPadding = 255
)

// NewSecret returns 32 random bytes whose byte sum mod 255 is 239, as Telegram clients
// generate them. Readers of the format do not depend on the checksum; it is kept so that
// data paspor writes looks like a Telegram client's.
func NewSecret(random io.Reader) ([]byte, error) {
	if random == nil {
		random = rand.Reader
	}
	s := make([]byte, SecretSize)
	if _, err := io.ReadFull(random, s); err != nil {
		return nil, fmt.Errorf("failed to generate a secret: %w", err)
	}
	sum := 0
	for _, b := range s[:SecretSize-1] {
		sum += int(b)
	}
	// Choose the last byte so that the sum is 239 mod 255; it stays uniformly random over
	// the 255 values (or 256 counting the wrap 0/255) that satisfy the constraint.
	last := (239 - sum%255 + 255) % 255
	if last == 0 && s[SecretSize-1]&1 == 1 {
		last = 255
	}
	s[SecretSize-1] = byte(last)
	return s, nil
}

// SecretChecksumOK reports whether the byte sum of s mod 255 is 239.
func SecretChecksumOK(s []byte) bool {
	sum := 0
	for _, b := range s {
		sum += int(b)
	}
	return sum%255 == 239
}

func keyIV(secret, hash []byte) (key, iv []byte) {
	h := sha512.New()
	h.Write(secret)
	h.Write(hash)
	sum := h.Sum(nil)
	return sum[:32], sum[32:48]
}

// Encrypt pads plain with 32..255 random bytes to a multiple of 16, and encrypts it with
// AES-256-CBC under a key and IV derived from secret and the SHA-256 of the padded data.
// It returns the ciphertext and that hash.
func Encrypt(plain, secret []byte, random io.Reader) (ciphertext, hash []byte, err error) {
	if len(secret) != SecretSize {
		return nil, nil, fmt.Errorf("secret is %d bytes, want %d", len(secret), SecretSize)
	}
	if random == nil {
		random = rand.Reader
	}
	p := minPadding + (16-(len(plain)+minPadding)%16)%16
	var extra [1]byte
	if _, err := io.ReadFull(random, extra[:]); err != nil {
		return nil, nil, fmt.Errorf("failed to choose a padding: %w", err)
	}
	// Any multiple of 16 more up to 255 is valid; vary the length like the clients do.
	p += 16 * (int(extra[0]) % ((maxPadding-p)/16 + 1))
	padded := make([]byte, p+len(plain))
	if _, err := io.ReadFull(random, padded[1:p]); err != nil {
		return nil, nil, fmt.Errorf("failed to generate a padding: %w", err)
	}
	padded[0] = byte(p)
	copy(padded[p:], plain)
	sum := sha256.Sum256(padded)
	key, iv := keyIV(secret, sum[:])
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, nil, fmt.Errorf("failed to set up AES: %w", err)
	}
	cipher.NewCBCEncrypter(block, iv).CryptBlocks(padded, padded)
	return padded, sum[:], nil
}

// Decrypt reverses [Encrypt]: it decrypts ciphertext with the key and IV derived from secret
// and hash, checks that the SHA-256 of the padded plaintext equals hash (before looking at
// the padding, so that a forger learns nothing from how padding fails), then checks the
// padding length and removes it.
func Decrypt(ciphertext, secret, hash []byte) ([]byte, error) {
	if len(secret) != SecretSize {
		return nil, reject(ReasonSecret, "", "secret is %d bytes, want %d", len(secret), SecretSize)
	}
	if len(hash) != sha256.Size {
		return nil, reject(ReasonMalformed, "", "hash is %d bytes, want %d", len(hash), sha256.Size)
	}
	if len(ciphertext) == 0 || len(ciphertext)%aes.BlockSize != 0 {
		return nil, reject(ReasonMalformed, "", "ciphertext is %d bytes, not a positive multiple of 16", len(ciphertext))
	}
	key, iv := keyIV(secret, hash)
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("failed to set up AES: %w", err)
	}
	padded := make([]byte, len(ciphertext))
	cipher.NewCBCDecrypter(block, iv).CryptBlocks(padded, ciphertext)
	sum := sha256.Sum256(padded)
	if subtle.ConstantTimeCompare(sum[:], hash) != 1 {
		return nil, reject(ReasonHash, "", "the decrypted data does not match its hash")
	}
	p := int(padded[0])
	if p < minPadding || p > maxPadding || p > len(padded) {
		return nil, reject(ReasonPadding, "", "padding length %d is outside 32..255 or beyond the %d bytes", p, len(padded))
	}
	return padded[p:], nil
}
