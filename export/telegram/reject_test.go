package telegram

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// sealWithPadding encrypts plain like Encrypt but with the given padding length byte,
// which lets a test produce data whose hash checks and whose padding is invalid.
func sealWithPadding(plain, secret []byte, p, padLen int) (ct, hash []byte) {
	padded := make([]byte, padLen+len(plain))
	padded[0] = byte(p)
	copy(padded[padLen:], plain)
	sum := sha256.Sum256(padded)
	key, iv := keyIV(secret, sum[:])
	block, _ := aes.NewCipher(key)
	cipher.NewCBCEncrypter(block, iv).CryptBlocks(padded, padded)
	return padded, sum[:]
}

// built returns paspor-built passport data as a decoded object, for tests to damage.
func built(t *testing.T) (*PassportData, *Built) {
	t.Helper()
	out, err := Build(sampleDocuments(), &testKey.PublicKey, BuildOptions{Nonce: "n"})
	if err != nil {
		t.Fatal(err)
	}
	var pd PassportData
	if err := json.Unmarshal(out.PassportData, &pd); err != nil {
		t.Fatal(err)
	}
	return &pd, out
}

func encode(t *testing.T, pd *PassportData) []byte {
	t.Helper()
	b, err := json.Marshal(pd)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// withCredentials replaces the credentials of pd by plain, sealed by seal, its secret
// encrypted with OAEP-SHA-1 to testKey.
func withCredentials(t *testing.T, pd *PassportData, seal func(secret []byte) (ct, hash []byte)) []byte {
	t.Helper()
	secret, err := NewSecret(nil)
	if err != nil {
		t.Fatal(err)
	}
	ct, hash := seal(secret)
	enc, err := rsa.EncryptOAEP(sha1.New(), rand.Reader, &testKey.PublicKey, secret, nil)
	if err != nil {
		t.Fatal(err)
	}
	c := *pd
	c.Credentials = EncryptedCredentials{Data: b64(ct), Hash: b64(hash), Secret: b64(enc)}
	return encode(t, &c)
}

func TestOpenRejects(t *testing.T) {
	ptb, err := os.ReadFile(filepath.Join("testdata", "ptb", "raw_passport_data.json"))
	if err != nil {
		t.Fatal(err)
	}
	credsPlain := []byte(`{"secure_data":{},"nonce":"n"}`)
	cases := []struct {
		name    string
		input   func(t *testing.T) []byte
		key     *rsa.PrivateKey
		reason  string
		element string
	}{
		{name: "wrong key", input: func(*testing.T) []byte { return ptb }, reason: ReasonKey, element: "credentials"},
		{name: "oaep sha256 instead of sha1", reason: ReasonKey, element: "credentials", input: func(t *testing.T) []byte {
			pd, _ := built(t)
			secret, _ := NewSecret(nil)
			ct, hash, _ := Encrypt(credsPlain, secret, nil)
			enc, err := rsa.EncryptOAEP(sha256.New(), rand.Reader, &testKey.PublicKey, secret, nil)
			if err != nil {
				t.Fatal(err)
			}
			pd.Credentials = EncryptedCredentials{Data: b64(ct), Hash: b64(hash), Secret: b64(enc)}
			return encode(t, pd)
		}},
		{name: "wrong credentials hash", reason: ReasonHash, element: "credentials", input: func(t *testing.T) []byte {
			pd, _ := built(t)
			other := sha256.Sum256([]byte("other"))
			pd.Credentials.Hash = b64(other[:])
			return encode(t, pd)
		}},
		{name: "flipped credentials ciphertext byte", reason: ReasonHash, element: "credentials", input: func(t *testing.T) []byte {
			pd, _ := built(t)
			pd.Credentials.Data = flip(t, pd.Credentials.Data, 40)
			return encode(t, pd)
		}},
		{name: "flipped element ciphertext byte", reason: ReasonHash, element: "personal_details data", input: func(t *testing.T) []byte {
			pd, _ := built(t)
			pd.Data[0].Data = flip(t, pd.Data[0].Data, 100)
			return encode(t, pd)
		}},
		{name: "padding 18", reason: ReasonPadding, element: "credentials", input: func(t *testing.T) []byte {
			pd, _ := built(t)
			// 18 + len(plain) must be a multiple of 16 so that only the length byte is wrong.
			plain := append([]byte(" "), credsPlain...)
			for (18+len(plain))%16 != 0 {
				plain = append([]byte(" "), plain...)
			}
			return withCredentials(t, pd, func(s []byte) ([]byte, []byte) { return sealWithPadding(plain, s, 18, 18) })
		}},
		{name: "padding beyond the data", reason: ReasonPadding, element: "credentials", input: func(t *testing.T) []byte {
			pd, _ := built(t)
			return withCredentials(t, pd, func(s []byte) ([]byte, []byte) { return sealWithPadding(nil, s, 200, 64) })
		}},
		{name: "truncated base64", reason: ReasonMalformed, element: "credentials", input: func(t *testing.T) []byte {
			pd, _ := built(t)
			pd.Credentials.Data = pd.Credentials.Data[:len(pd.Credentials.Data)-3]
			return encode(t, pd)
		}},
		{name: "truncated base64 by a block", reason: ReasonMalformed, element: "credentials", input: func(t *testing.T) []byte {
			pd, _ := built(t)
			pd.Credentials.Data = pd.Credentials.Data[:len(pd.Credentials.Data)-4]
			return encode(t, pd)
		}},
		{name: "wrong nonce", reason: ReasonNonce, element: "credentials", input: func(t *testing.T) []byte {
			pd, _ := built(t)
			return withCredentials(t, pd, func(s []byte) ([]byte, []byte) {
				ct, hash, _ := Encrypt([]byte(`{"secure_data":{},"nonce":"other"}`), s, nil)
				return ct, hash
			})
		}},
		{name: "element without credentials", reason: ReasonCredentials, element: "personal_details", input: func(t *testing.T) []byte {
			pd, _ := built(t)
			return withCredentials(t, pd, func(s []byte) ([]byte, []byte) {
				ct, hash, _ := Encrypt(credsPlain, s, nil)
				return ct, hash
			})
		}},
		{name: "data not strings", reason: ReasonMalformed, element: "personal_details data", input: func(t *testing.T) []byte {
			pd, _ := built(t)
			secret, _ := NewSecret(nil)
			ct, hash, _ := Encrypt([]byte(`{"first_name":1}`), secret, nil)
			pd.Data = pd.Data[:1]
			pd.Data[0].Data = b64(ct)
			return withCredentials(t, pd, func(s []byte) ([]byte, []byte) {
				c, _ := json.Marshal(credentialsJSON{Nonce: "n", SecureData: map[string]secureValue{
					"personal_details": {Data: &dataCredentials{DataHash: b64(hash), Secret: b64(secret)}}}})
				ct, h, _ := Encrypt(c, s, nil)
				return ct, h
			})
		}},
		{name: "file id with a path", reason: ReasonMalformed, element: "driver_license front_side", input: func(t *testing.T) []byte {
			pd, _ := built(t)
			pd.Data[1].FrontSide.FileUniqueID = "../../etc/passwd"
			return encode(t, pd)
		}},
		{name: "not json", reason: ReasonMalformed, input: func(*testing.T) []byte { return []byte("{\"data\":") }},
		{name: "unknown type", reason: ReasonMalformed, input: func(t *testing.T) []byte {
			pd, _ := built(t)
			pd.Data[0].Type = "diploma"
			return encode(t, pd)
		}},
		{name: "duplicate type", reason: ReasonMalformed, element: "email", input: func(t *testing.T) []byte {
			pd, _ := built(t)
			pd.Data = append(pd.Data, pd.Data[len(pd.Data)-1])
			return encode(t, pd)
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			key := tc.key
			if key == nil {
				key = testKey
			}
			_, err := Open(tc.input(t), key, OpenOptions{Nonce: "n"})
			var rej *RejectedError
			if !errors.As(err, &rej) {
				t.Fatalf("err = %v, want a *RejectedError", err)
			}
			if rej.Reason != tc.reason || rej.Element != tc.element {
				t.Errorf("rejected (%s) at %q, want (%s) at %q: %v", rej.Reason, rej.Element, tc.reason, tc.element, err)
			}
		})
	}
}

// TestHashBeforePadding: data whose padding is invalid and whose hash is wrong is reported
// as a hash failure, so that nobody can tell padding failures from others.
func TestHashBeforePadding(t *testing.T) {
	secret, _ := NewSecret(nil)
	for _, p := range []int{0, 18, 31, 200} {
		ct, hash := sealWithPadding(nil, secret, p, 64)
		if _, err := Decrypt(ct, secret, hash); err.(*RejectedError).Reason != ReasonPadding {
			t.Fatalf("padding %d with the right hash: %v, want padding", p, err)
		}
		wrong := append([]byte(nil), hash...)
		wrong[0] ^= 1
		if _, err := Decrypt(ct, secret, wrong); err.(*RejectedError).Reason != ReasonHash {
			t.Errorf("padding %d with a wrong hash: %v, want hash", p, err)
		}
		flipped := flipBytes(ct, 5)
		if _, err := Decrypt(flipped, secret, hash); err.(*RejectedError).Reason != ReasonHash {
			t.Errorf("padding %d, flipped ciphertext: %v, want hash", p, err)
		}
	}
}

func TestFileDecryptRejects(t *testing.T) {
	_, out := built(t)
	p, err := Open(out.PassportData, testKey, OpenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	f := p.Elements[1].Files[0]
	ct := out.Files[0].Ciphertext
	for name, c := range map[string]struct {
		data   []byte
		reason string
	}{
		"flipped byte":       {flipBytes(ct, len(ct)-1), ReasonHash},
		"truncated":          {ct[:len(ct)-16], ReasonHash},
		"not a block length": {ct[:len(ct)-1], ReasonMalformed},
		"empty":              {nil, ReasonMalformed},
		"another file":       {out.Files[1].Ciphertext, ReasonHash},
	} {
		_, err := f.Decrypt(c.data)
		var rej *RejectedError
		if !errors.As(err, &rej) || rej.Reason != c.reason || rej.Element != "driver_license front_side" {
			t.Errorf("%s: %v, want (%s) at driver_license front_side", name, err, c.reason)
		}
	}
}

func flipBytes(b []byte, i int) []byte {
	c := append([]byte(nil), b...)
	c[i] ^= 0x01
	return c
}

func flip(t *testing.T, s string, i int) string {
	t.Helper()
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b64(flipBytes(b, i%len(b)))
}
