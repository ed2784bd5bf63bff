package telegram

import (
	"bytes"
	"crypto/sha256"
	"testing"
)

// FuzzOpen feeds arbitrary passport_data to Open with the TBEP bot key: it must never
// panic, and what it accepts must be consistent. Seeds in testdata/fuzz/FuzzOpen are the
// real vectors and damaged copies of them.
func FuzzOpen(f *testing.F) {
	key := readPrivateKey(f, "tbep/private-key.pem")
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := Open(data, key, OpenOptions{})
		if err != nil {
			if _, ok := err.(*RejectedError); !ok {
				t.Fatalf("not a RejectedError: %v", err)
			}
			return
		}
		for _, el := range p.Elements {
			if !KnownType(el.Type) {
				t.Fatalf("accepted unknown type %q", el.Type)
			}
			for _, fl := range el.Files {
				if _, err := fl.Decrypt(data); err == nil && len(data)%16 != 0 {
					t.Fatal("decrypted a ciphertext that is not whole blocks")
				}
			}
		}
	})
}

// FuzzDecrypt checks that Decrypt never panics and only returns data whose padded form
// hashes to the given hash.
func FuzzDecrypt(f *testing.F) {
	secret := make([]byte, 32)
	f.Fuzz(func(t *testing.T, ct, hash []byte) {
		plain, err := Decrypt(ct, secret, hash)
		if err == nil {
			if len(ct)-len(plain) < 32 || len(ct)-len(plain) > 255 {
				t.Fatalf("padding %d accepted", len(ct)-len(plain))
			}
			if len(hash) != sha256.Size {
				t.Fatal("accepted a hash of the wrong length")
			}
		}
	})
}

// FuzzParseScope checks that ParseScope never panics and that what it accepts applies.
func FuzzParseScope(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := ParseScope(data)
		if err != nil {
			return
		}
		if len(s.Elements) == 0 {
			t.Fatal("accepted an empty scope")
		}
		_, _, _ = s.Apply(sampleDocuments())
	})
}

// FuzzDecryptTo checks that DecryptTo never panics and agrees with Decrypt: the same
// plaintext when both accept, a rejection when Decrypt rejects.
func FuzzDecryptTo(f *testing.F) {
	secret := make([]byte, 32)
	f.Fuzz(func(t *testing.T, ct, hash []byte) {
		want, err1 := Decrypt(ct, secret, hash)
		var got bytes.Buffer
		_, err2 := DecryptTo(&got, bytes.NewReader(ct), secret, hash)
		if (err1 == nil) != (err2 == nil) {
			t.Fatalf("Decrypt %v, DecryptTo %v", err1, err2)
		}
		if err1 == nil && !bytes.Equal(want, got.Bytes()) {
			t.Fatal("DecryptTo gave another plaintext")
		}
	})
}
