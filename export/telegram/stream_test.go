package telegram

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"io"
	"testing"
)

// DecryptTo gives what Decrypt gives, for every length across the 64 KiB buffer, and the
// same reason for every kind of bad input.
func TestDecryptToMatchesDecrypt(t *testing.T) {
	secret, err := NewSecret(nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range []int{0, 1, 15, 16, 17, 223, 224, 1000, 64<<10 - 40, 64 << 10, 200_001} {
		plain := make([]byte, n)
		rand.Read(plain)
		ct, hash, err := Encrypt(plain, secret, nil)
		if err != nil {
			t.Fatal(err)
		}
		var got bytes.Buffer
		w, err := DecryptTo(&got, bytes.NewReader(ct), secret, hash)
		if err != nil || w != int64(n) || !bytes.Equal(got.Bytes(), plain) {
			t.Errorf("%d bytes: DecryptTo %v, wrote %d", n, err, w)
		}
		// EncryptTo makes what Decrypt reads.
		var enc bytes.Buffer
		open := func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(plain)), nil }
		h2, _, err := EncryptTo(&enc, open, int64(n), secret, rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		if back, err := Decrypt(enc.Bytes(), secret, h2); err != nil || !bytes.Equal(back, plain) {
			t.Errorf("%d bytes: EncryptTo then Decrypt: %v", n, err)
		}
	}
	// A padding length byte outside 32..255 (or beyond the data), correctly hashed and
	// encrypted: both say padding. Altered data: both say hash. Bad lengths: malformed.
	craft := func(padded []byte) ([]byte, []byte) {
		sum := sha256.Sum256(padded)
		key, iv := keyIV(secret, sum[:])
		block, _ := aes.NewCipher(key)
		ct := bytes.Clone(padded)
		cipher.NewCBCEncrypter(block, iv).CryptBlocks(ct, ct)
		return ct, sum[:]
	}
	small := make([]byte, 64)
	small[0] = 10
	short := make([]byte, 48)
	short[0] = 200
	good, goodHash, _ := Encrypt([]byte("scan"), secret, nil)
	altered := bytes.Clone(good)
	altered[0] ^= 1
	type tc struct {
		ct, hash []byte
		reason   string
	}
	cases := map[string]tc{"altered": {altered, goodHash, ReasonHash}, "empty": {nil, goodHash, ReasonMalformed},
		"not blocks": {good[:len(good)-1], goodHash, ReasonMalformed}}
	ct, h := craft(small)
	cases["padding below 32"] = tc{ct, h, ReasonPadding}
	ct, h = craft(short)
	cases["padding beyond data"] = tc{ct, h, ReasonPadding}
	for name, c := range cases {
		_, err1 := Decrypt(c.ct, secret, c.hash)
		_, err2 := DecryptTo(io.Discard, bytes.NewReader(c.ct), secret, c.hash)
		var r1, r2 *RejectedError
		if !errors.As(err1, &r1) || !errors.As(err2, &r2) || r1.Reason != c.reason || r2.Reason != c.reason {
			t.Errorf("%s: Decrypt %v, DecryptTo %v; want reason %s", name, err1, err2, c.reason)
		}
	}
}
