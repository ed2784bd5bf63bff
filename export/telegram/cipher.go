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
	pad, err := newPadding(int64(len(plain)), random)
	if err != nil {
		return nil, nil, err
	}
	padded := make([]byte, len(pad)+len(plain))
	copy(padded, pad)
	copy(padded[len(pad):], plain)
	sum := sha256.Sum256(padded)
	key, iv := keyIV(secret, sum[:])
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, nil, fmt.Errorf("failed to set up AES: %w", err)
	}
	cipher.NewCBCEncrypter(block, iv).CryptBlocks(padded, padded)
	return padded, sum[:], nil
}

// newPadding returns the padding Encrypt puts before n bytes of plaintext: 32..255 bytes,
// the first its length, the rest random, making the total a multiple of 16.
func newPadding(n int64, random io.Reader) ([]byte, error) {
	p := minPadding + int((16-(n+minPadding)%16)%16)
	var extra [1]byte
	if _, err := io.ReadFull(random, extra[:]); err != nil {
		return nil, fmt.Errorf("failed to choose a padding: %w", err)
	}
	// Any multiple of 16 more up to 255 is valid; vary the length like the clients do.
	p += 16 * (int(extra[0]) % ((maxPadding-p)/16 + 1))
	pad := make([]byte, p)
	if _, err := io.ReadFull(random, pad[1:]); err != nil {
		return nil, fmt.Errorf("failed to generate a padding: %w", err)
	}
	pad[0] = byte(p)
	return pad, nil
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

// DecryptTo is [Decrypt] for data too large to hold: it decrypts the ciphertext read from r
// in one pass and writes the plaintext (padding removed) to w as it goes, returning the
// number of plaintext bytes written. The hash can only be checked at the end, so w has seen
// unchecked bytes when DecryptTo fails: the caller must discard what w holds on any error.
// As in Decrypt, a hash mismatch is reported before a bad padding.
func DecryptTo(w io.Writer, r io.Reader, secret, hash []byte) (int64, error) {
	if len(secret) != SecretSize {
		return 0, reject(ReasonSecret, "", "secret is %d bytes, want %d", len(secret), SecretSize)
	}
	if len(hash) != sha256.Size {
		return 0, reject(ReasonMalformed, "", "hash is %d bytes, want %d", len(hash), sha256.Size)
	}
	key, iv := keyIV(secret, hash)
	block, err := aes.NewCipher(key)
	if err != nil {
		return 0, fmt.Errorf("failed to set up AES: %w", err)
	}
	dec := cipher.NewCBCDecrypter(block, iv)
	h := sha256.New()
	buf := make([]byte, 64<<10)
	var total, written int64
	skip := -1 // padding bytes still to drop; -1 before the first block
	badPadding := false
	for {
		n, rerr := io.ReadFull(r, buf)
		if rerr != nil && rerr != io.EOF && rerr != io.ErrUnexpectedEOF {
			return written, rerr
		}
		if n%aes.BlockSize != 0 {
			return written, reject(ReasonMalformed, "", "ciphertext is %d bytes, not a positive multiple of 16", total+int64(n))
		}
		chunk := buf[:n]
		dec.CryptBlocks(chunk, chunk)
		h.Write(chunk)
		total += int64(n)
		if n > 0 && skip == -1 {
			skip = int(chunk[0])
			badPadding = skip < minPadding || skip > maxPadding
		}
		if n > 0 && !badPadding {
			d := min(skip, len(chunk))
			skip -= d
			if len(chunk) > d {
				m, err := w.Write(chunk[d:])
				written += int64(m)
				if err != nil {
					return written, err
				}
			}
		}
		if rerr != nil {
			break
		}
	}
	if total == 0 {
		return 0, reject(ReasonMalformed, "", "ciphertext is 0 bytes, not a positive multiple of 16")
	}
	if subtle.ConstantTimeCompare(h.Sum(nil), hash) != 1 {
		return written, reject(ReasonHash, "", "the decrypted data does not match its hash")
	}
	if badPadding || skip > 0 {
		return written, reject(ReasonPadding, "", "padding length is outside 32..255 or beyond the %d bytes", total)
	}
	return written, nil
}
