package crypto

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"strings"
	"testing"

	"filippo.io/age"
	"golang.org/x/crypto/chacha20poly1305"
)

var (
	testWalletKey = bytes.Repeat([]byte{0x77}, WalletKeySize)
	testBinding   = Binding{WalletID: "w1", Kind: "document", ID: "doc-1"}
)

func sealTest(t testing.TB, plaintext []byte) []byte {
	t.Helper()
	ct, err := SealRecord(testWalletKey, testBinding, plaintext)
	if err != nil {
		t.Fatal(err)
	}
	return ct
}

func TestRecordRoundTrip(t *testing.T) {
	for _, n := range []int{0, 1, 100, 64 * 1024, 64*1024 + 1, 200 * 1024} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			pt := pseudoRandom(n, uint64(n))
			ct := sealTest(t, pt)
			if n >= 16 && bytes.Contains(ct, pt[:16]) {
				t.Fatal("ciphertext contains plaintext")
			}
			got, err := OpenRecord(testWalletKey, testBinding, ct)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, pt) {
				t.Fatal("round trip changed the plaintext")
			}
		})
	}
}

func TestOpenRecordWrongPlace(t *testing.T) {
	ct := sealTest(t, []byte("passport number X1234567"))
	otherKey := bytes.Clone(testWalletKey)
	otherKey[0] ^= 1
	tests := []struct {
		name string
		key  []byte
		b    Binding
	}{
		{"other wallet ID", testWalletKey, Binding{"w2", "document", "doc-1"}},
		{"other kind", testWalletKey, Binding{"w1", "blob", "doc-1"}},
		{"other ID", testWalletKey, Binding{"w1", "document", "doc-2"}},
		{"shifted field boundary", testWalletKey, Binding{"w1", "documentd", "oc-1"}},
		{"other wallet key", otherKey, testBinding},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := OpenRecord(tt.key, tt.b, ct)
			if !errors.Is(err, ErrRecordAuth) || got != nil {
				t.Fatalf("OpenRecord = %q, %v; want ErrRecordAuth", got, err)
			}
		})
	}
}

func TestOpenRecordByteFlips(t *testing.T) {
	ct := sealTest(t, bytes.Repeat([]byte("field=value;"), 20))
	for i := range ct {
		c := bytes.Clone(ct)
		c[i] ^= 0x01
		if got, err := OpenRecord(testWalletKey, testBinding, c); !errors.Is(err, ErrRecordAuth) || got != nil {
			t.Fatalf("flip at offset %d of %d: err = %v", i, len(ct), err)
		}
	}
}

func TestOpenRecordTruncationAndExtension(t *testing.T) {
	ct := sealTest(t, []byte("a small record"))
	for n := range len(ct) {
		if _, err := OpenRecord(testWalletKey, testBinding, ct[:n]); !errors.Is(err, ErrRecordAuth) {
			t.Fatalf("truncated to %d of %d: err = %v", n, len(ct), err)
		}
	}
	if _, err := OpenRecord(testWalletKey, testBinding, append(bytes.Clone(ct), 0)); !errors.Is(err, ErrRecordAuth) {
		t.Fatalf("trailing byte: err = %v", err)
	}
}

// TestOpenRecordErrorsDoNotEchoInput: age quotes malformed header lines in its errors; a
// plaintext handed to OpenRecord by mistake must not reach a log through them.
func TestOpenRecordErrorsDoNotEchoInput(t *testing.T) {
	secret := "X1234567-secret"
	ct := sealTest(t, []byte("x"))
	hdrEnd := bytes.Index(ct, []byte("\n-> ")) + 1
	inputs := map[string][]byte{
		"plaintext":          []byte(secret + "\n"),
		"plaintext no EOL":   []byte(secret),
		"age intro then doc": []byte("age-encryption.org/v1\n" + secret + "\n"),
		"bad stanza line":    append(append(bytes.Clone(ct[:hdrEnd]), "-> "+secret+"\n"...), ct[hdrEnd:]...),
	}
	for name, in := range inputs {
		t.Run(name, func(t *testing.T) {
			_, err := OpenRecord(testWalletKey, testBinding, in)
			if !errors.Is(err, ErrRecordAuth) {
				t.Fatalf("err = %v, want ErrRecordAuth", err)
			}
			if strings.Contains(err.Error(), secret[:6]) {
				t.Fatalf("error echoes the input: %v", err)
			}
		})
	}
	var noMatch *age.NoIdentityMatchError
	if _, err := OpenRecord(testWalletKey, Binding{"w2", "document", "doc-1"}, ct); !errors.As(err, &noMatch) {
		t.Fatalf("wrong binding: err = %v, want it to wrap *age.NoIdentityMatchError", err)
	}
}

func TestRecordRejectsBadArguments(t *testing.T) {
	tests := []struct {
		name string
		key  []byte
		b    Binding
	}{
		{"short wallet key", testWalletKey[:16], testBinding},
		{"empty wallet ID", testWalletKey, Binding{"", "document", "d"}},
		{"empty kind", testWalletKey, Binding{"w1", "", "d"}},
		{"empty ID", testWalletKey, Binding{"w1", "document", ""}},
		{"NUL in wallet ID", testWalletKey, Binding{"w\x001", "document", "d"}},
		{"NUL in kind", testWalletKey, Binding{"w1", "doc\x00", "d"}},
		{"NUL in ID", testWalletKey, Binding{"w1", "document", "\x00"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := SealRecord(tt.key, tt.b, nil); err == nil {
				t.Error("SealRecord accepted it")
			}
			if _, err := OpenRecord(tt.key, tt.b, sealTest(t, nil)); err == nil || errors.Is(err, ErrRecordAuth) {
				t.Errorf("OpenRecord err = %v, want an argument error", err)
			}
			if _, err := NewRecordRecipient(tt.key, tt.b); err == nil {
				t.Error("NewRecordRecipient accepted it")
			}
			if _, err := NewRecordIdentity(tt.key, tt.b); err == nil {
				t.Error("NewRecordIdentity accepted it")
			}
		})
	}
}

func TestRecordIdentityRejectsStanzas(t *testing.T) {
	r, _ := NewRecordRecipient(testWalletKey, testBinding)
	good, err := r.Wrap(make([]byte, fileKeySize))
	if err != nil {
		t.Fatal(err)
	}
	id, _ := NewRecordIdentity(testWalletKey, testBinding)
	if _, err := id.Unwrap(good); err != nil {
		t.Fatalf("good stanza: %v", err)
	}
	g := *good[0]
	with := func(f func(s *age.Stanza)) []*age.Stanza {
		s := g
		s.Args = append([]string(nil), g.Args...)
		s.Body = bytes.Clone(g.Body)
		f(&s)
		return []*age.Stanza{&s}
	}
	// A body that authenticates but holds a 32-byte key: only the length check stops it.
	salt, _ := b64.DecodeString(g.Args[0])
	wk, err := id.(*recordIdentity).wrapKey(salt)
	if err != nil {
		t.Fatal(err)
	}
	aead, _ := chacha20poly1305.New(wk)
	longKey := aead.Seal(nil, make([]byte, aead.NonceSize()), make([]byte, 32), nil)
	tests := map[string][]*age.Stanza{
		"authentic long key": with(func(s *age.Stanza) { s.Body = longKey }),
		"no stanzas":         nil,
		"other type":         with(func(s *age.Stanza) { s.Type = "X25519" }),
		"no args":            with(func(s *age.Stanza) { s.Args = nil }),
		"two args":           with(func(s *age.Stanza) { s.Args = append(s.Args, "x") }),
		"bad base64":         with(func(s *age.Stanza) { s.Args[0] = "!!!!" }),
		"padded base64":      with(func(s *age.Stanza) { s.Args[0] += "==" }),
		"short salt":         with(func(s *age.Stanza) { s.Args[0] = s.Args[0][:10] }),
		"empty body":         with(func(s *age.Stanza) { s.Body = nil }),
		"short body":         with(func(s *age.Stanza) { s.Body = s.Body[1:] }),
		"long body":          with(func(s *age.Stanza) { s.Body = append(s.Body, 0) }),
		"flipped body":       with(func(s *age.Stanza) { s.Body[0] ^= 1 }),
		"mixed recipients":   append(with(func(*age.Stanza) {}), &age.Stanza{Type: "X25519", Args: []string{"x"}}),
		"two wk stanzas":     append(with(func(*age.Stanza) {}), good[0]),
	}
	for name, stanzas := range tests {
		t.Run(name, func(t *testing.T) {
			if key, err := id.Unwrap(stanzas); !errors.Is(err, age.ErrIncorrectIdentity) || key != nil {
				t.Fatalf("Unwrap = %x, %v; want ErrIncorrectIdentity", key, err)
			}
		})
	}
}

// TestRecordRecipientRefusesMixing: another recipient would learn the file key and could
// forge the record, so age.Encrypt must refuse the combination.
func TestRecordRecipientRefusesMixing(t *testing.T) {
	r, _ := NewRecordRecipient(testWalletKey, testBinding)
	x, err := age.GenerateX25519Identity()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := age.Encrypt(io.Discard, r, x.Recipient()); err == nil {
		t.Fatal("age.Encrypt mixed a record recipient with an X25519 recipient")
	}
}

const chunkCT = 64*1024 + 16 // one encrypted age payload chunk

// payloadOffset returns where the first payload chunk starts: after the header and the
// 16-byte stream nonce.
func payloadOffset(t *testing.T, ct []byte) int {
	t.Helper()
	i := bytes.Index(ct, []byte("\n--- "))
	if i < 0 {
		t.Fatal("no header footer")
	}
	j := bytes.IndexByte(ct[i+1:], '\n')
	return i + 1 + j + 1 + 16
}

func encryptStreamTest(t *testing.T, pt []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	w, err := EncryptStream(&buf, testWalletKey, testBinding)
	if err != nil {
		t.Fatal(err)
	}
	// Odd-sized writes cross chunk boundaries.
	for rest := pt; len(rest) > 0; {
		n := min(len(rest), 10007)
		if _, err := w.Write(rest[:n]); err != nil {
			t.Fatal(err)
		}
		rest = rest[n:]
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func decryptStreamHash(src io.Reader) ([]byte, error) {
	r, err := DecryptStream(src, testWalletKey, testBinding)
	if err != nil {
		return nil, err
	}
	h := sha256.New()
	if _, err := io.Copy(h, r); err != nil {
		return nil, err
	}
	return h.Sum(nil), nil
}

func TestStreamRoundTrip(t *testing.T) {
	pt := pseudoRandom(3<<20+12345, 1)
	want := sha256.Sum256(pt)
	ct := encryptStreamTest(t, pt)
	got, err := decryptStreamHash(bytes.NewReader(ct))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want[:]) {
		t.Fatal("stream round trip changed the plaintext")
	}
	other := testBinding
	other.ID = "doc-2"
	if _, err := DecryptStream(bytes.NewReader(ct), testWalletKey, other); !errors.Is(err, ErrRecordAuth) {
		t.Fatalf("other binding: err = %v, want ErrRecordAuth", err)
	}
}

func TestStreamTampering(t *testing.T) {
	ct := encryptStreamTest(t, pseudoRandom(5*64*1024+100, 2))
	off := payloadOffset(t, ct)
	if (len(ct)-off)/chunkCT != 5 {
		t.Fatalf("unexpected layout: %d payload bytes", len(ct)-off)
	}
	chunk := func(i int) []byte { return ct[off+i*chunkCT : off+(i+1)*chunkCT] }
	swap := func(i, j int) []byte {
		c := bytes.Clone(ct)
		copy(c[off+i*chunkCT:], chunk(j))
		copy(c[off+j*chunkCT:], chunk(i))
		return c
	}
	tests := map[string][]byte{
		"swap chunks 0 and 1":   swap(0, 1),
		"swap chunks 2 and 3":   swap(2, 3),
		"drop final chunk":      ct[:off+5*chunkCT],
		"drop first chunk":      append(bytes.Clone(ct[:off]), ct[off+chunkCT:]...),
		"truncate inside chunk": ct[:off+3*chunkCT+100],
		"truncate final chunk":  ct[:len(ct)-1],
		"duplicate a chunk":     append(append(bytes.Clone(ct[:off+chunkCT]), chunk(0)...), ct[off+chunkCT:]...),
		"trailing data":         append(bytes.Clone(ct), 0),
		"flip in last chunk":    func() []byte { c := bytes.Clone(ct); c[len(c)-20] ^= 1; return c }(),
	}
	for name, c := range tests {
		t.Run(name, func(t *testing.T) {
			if _, err := decryptStreamHash(bytes.NewReader(c)); !errors.Is(err, ErrRecordAuth) {
				t.Fatalf("err = %v, want ErrRecordAuth", err)
			}
		})
	}
}

// failingReader returns errDisk after n bytes, as a failing disk or network would.
type failingReader struct {
	r io.Reader
	n int
}

var errDisk = errors.New("disk on fire")

func (f *failingReader) Read(p []byte) (int, error) {
	if f.n <= 0 {
		return 0, errDisk
	}
	p = p[:min(len(p), f.n)]
	n, err := f.r.Read(p)
	f.n -= n
	return n, err
}

func TestDecryptStreamSourceError(t *testing.T) {
	ct := encryptStreamTest(t, pseudoRandom(3*64*1024, 3))
	for _, n := range []int{0, 20, payloadOffset(t, ct) + chunkCT + 5} {
		_, err := decryptStreamHash(&failingReader{r: bytes.NewReader(ct), n: n})
		if !errors.Is(err, errDisk) || errors.Is(err, ErrRecordAuth) {
			t.Errorf("source fails after %d bytes: err = %v, want errDisk without ErrRecordAuth", n, err)
		}
	}
}

func FuzzOpenRecord(f *testing.F) {
	if ct, err := SealRecord(testWalletKey, testBinding, []byte("seed")); err == nil {
		f.Add(ct)
	}
	f.Add([]byte("age-encryption.org/v1\n"))
	f.Fuzz(func(t *testing.T, ct []byte) {
		pt, err := OpenRecord(testWalletKey, testBinding, ct)
		if err != nil {
			if !errors.Is(err, ErrRecordAuth) || pt != nil {
				t.Fatalf("OpenRecord = %q, %v; want ErrRecordAuth", pt, err)
			}
			return
		}
		// Anything that opens must have been sealed with the key: reseal and compare.
		again, err := OpenRecord(testWalletKey, testBinding, sealTest(t, pt))
		if err != nil || !bytes.Equal(again, pt) {
			t.Fatalf("reseal round trip failed: %v", err)
		}
	})
}

// pseudoRandom returns n reproducible bytes that do not compress.
func pseudoRandom(n int, seed uint64) []byte {
	r := rand.NewChaCha8([32]byte{byte(seed), byte(seed >> 8), byte(seed >> 16)})
	b := make([]byte, n)
	_, _ = r.Read(b)
	return b
}
