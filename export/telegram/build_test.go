package telegram

import (
	"bytes"
	"crypto/rand"
	"crypto/rsa"
	"errors"
	"io"
	"maps"
	"os"
	"slices"
	"testing"
	"time"
)

// testKey is the bot key of paspor-built test data: the TBEP vectors' key, so that no
// test spends time generating one.
var testKey = func() *rsa.PrivateKey {
	k, err := parsePrivateKeyFile("testdata/tbep/private-key.pem")
	if err != nil {
		panic(err)
	}
	return k
}()

func sampleDocuments() []Document {
	jpeg := append([]byte{0xff, 0xd8, 0xff, 0xe0}, bytes.Repeat([]byte("scan"), 1000)...)
	return []Document{
		{Type: "personal_details", Fields: map[string]string{"first_name": "Ana", "last_name": "Novak",
			"birth_date": "1990-07-30", "gender": "female", "country_code": "SI", "residence_country_code": "SI",
			"first_name_native": "Ана"}},
		{Type: "driver_license", Fields: map[string]string{"document_no": "X1", "expiry_date": "2031-01-02", "issue_date": "2021-01-02"},
			Files: []Attachment{{Role: "front_side", Content: jpeg}, {Role: "reverse_side", Content: jpeg[:100]}, {Role: "selfie", Content: jpeg[:17]}, {Role: "translation/1", Content: jpeg[:1]}, {Role: "translation/2", Content: []byte{}}}},
		{Type: "utility_bill", Fields: map[string]string{"issue_date": "2026-01-01"}, Files: []Attachment{{Role: "file/1", Content: jpeg}, {Role: "file/2", Content: jpeg[:300]}}},
		{Type: "address", Fields: map[string]string{"street_line1": "Ulica 1", "city": "Ljubljana", "post_code": "1000", "country_code": "SI"}},
		{Type: "phone_number", Fields: map[string]string{"phone_number": "+38640123456"}},
		{Type: "email", Fields: map[string]string{"email": "ana@example.org"}},
	}
}

func TestBuildRoundTrip(t *testing.T) {
	docs := sampleDocuments()
	out, err := Build(docs, &testKey.PublicKey, BuildOptions{Nonce: "n-42", Now: time.Unix(1700000000, 0)})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(out.Omitted)
	if want := []string{"driver_license.issue_date", "utility_bill.issue_date"}; !slices.Equal(out.Omitted, want) {
		t.Errorf("omitted %v, want %v", out.Omitted, want)
	}
	p, err := Open(out.PassportData, testKey, OpenOptions{Nonce: "n-42"})
	if err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{}
	for _, f := range out.Files {
		files[f.Name] = f.Ciphertext
	}
	if len(p.Elements) != len(docs) {
		t.Fatalf("%d elements, want %d", len(p.Elements), len(docs))
	}
	wantFields := []map[string]string{
		{"first_name": "Ana", "last_name": "Novak", "birth_date": "30.07.1990", "gender": "female",
			"country_code": "SI", "residence_country_code": "SI", "first_name_native": "Ана"},
		{"document_no": "X1", "expiry_date": "02.01.2031"},
		nil,
		{"street_line1": "Ulica 1", "city": "Ljubljana", "post_code": "1000", "country_code": "SI"},
		{"phone_number": "+38640123456"},
		{"email": "ana@example.org"},
	}
	for i, el := range p.Elements {
		if el.Type != docs[i].Type {
			t.Fatalf("element %d is %s, want %s", i, el.Type, docs[i].Type)
		}
		if !maps.Equal(el.Fields, wantFields[i]) {
			t.Errorf("%s fields %v, want %v", el.Type, el.Fields, wantFields[i])
		}
		if len(el.Files) != len(docs[i].Files) {
			t.Fatalf("%s: %d files, want %d", el.Type, len(el.Files), len(docs[i].Files))
		}
		for j, f := range el.Files {
			if f.Role != docs[i].Files[j].Role || f.Date != 1700000000 || f.Size != int64(len(files[f.Name()])) {
				t.Errorf("%s file %d: role %s date %d size %d", el.Type, j, f.Role, f.Date, f.Size)
			}
			plain, err := f.Decrypt(files[f.Name()])
			if err != nil {
				t.Fatalf("%s %s: %v", el.Type, f.Role, err)
			}
			if !bytes.Equal(plain, docs[i].Files[j].Content) {
				t.Errorf("%s %s differs after the round trip", el.Type, f.Role)
			}
		}
	}
}

func TestBuildRejects(t *testing.T) {
	pdoc := func(typ string, files ...Attachment) Document {
		return Document{Type: typ, Fields: map[string]string{"document_no": "1"}, Files: files}
	}
	a := func(role string) Attachment { return Attachment{Role: role, Content: []byte{1}} }
	for name, docs := range map[string][]Document{
		"unknown type":        {{Type: "diploma"}},
		"two passports":       {pdoc("passport"), pdoc("passport")},
		"reverse of passport": {pdoc("passport", a("reverse_side"))},
		"file on passport":    {pdoc("passport", a("file/1"))},
		"translation gap":     {pdoc("passport", a("translation/2"))},
		"two selfies":         {pdoc("passport", a("selfie"), a("selfie"))},
		"bad date":            {{Type: "passport", Fields: map[string]string{"document_no": "1", "expiry_date": "2031-13-01"}}},
		"empty email":         {{Type: "email", Fields: map[string]string{}}},
		"selfie on address":   {{Type: "address", Files: []Attachment{a("selfie")}}},
	} {
		if _, err := Build(docs, &testKey.PublicKey, BuildOptions{}); err == nil {
			t.Errorf("%s: Build accepted it", name)
		}
	}
}

func TestNewSecretChecksum(t *testing.T) {
	for i := 0; i < 2000; i++ {
		s, err := NewSecret(nil)
		if err != nil {
			t.Fatal(err)
		}
		if len(s) != SecretSize || !SecretChecksumOK(s) {
			t.Fatalf("secret %x: sum mod 255 is not 239", s)
		}
	}
}

func TestEncryptPadding(t *testing.T) {
	secret, _ := NewSecret(nil)
	for n := 0; n < 100; n++ {
		for i := 0; i < 5; i++ {
			ct, hash, err := Encrypt(make([]byte, n), secret, nil)
			if err != nil {
				t.Fatal(err)
			}
			p := len(ct) - n
			if len(ct)%16 != 0 || p < 32 || p > 255 {
				t.Fatalf("plaintext %d: padding %d, ciphertext %d", n, p, len(ct))
			}
			if plain, err := Decrypt(ct, secret, hash); err != nil || len(plain) != n {
				t.Fatalf("plaintext %d does not round-trip: %v", n, err)
			}
		}
	}
	// Both ends of the range are chosen: padding 32 for an empty plaintext, 255 for a 1-byte
	// one (each about one time in 14; missing one in 5000 tries has odds below 1e-100).
	for _, c := range []struct{ n, padding int }{{0, 32}, {1, 255}} {
		found := false
		for i := 0; i < 5000 && !found; i++ {
			ct, _, err := Encrypt(make([]byte, c.n), secret, nil)
			if err != nil {
				t.Fatal(err)
			}
			found = len(ct) == c.n+c.padding
		}
		if !found {
			t.Errorf("padding %d never chosen for a %d-byte plaintext", c.padding, c.n)
		}
	}
}

func TestKeys(t *testing.T) {
	priv, pub, err := GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	k, err := ParsePrivateKey(priv)
	if err != nil {
		t.Fatal(err)
	}
	p, err := ParsePublicKey(pub)
	if err != nil {
		t.Fatal(err)
	}
	if !k.PublicKey.Equal(p) || k.N.BitLen() != KeyBits {
		t.Fatal("the public key does not match the private key, or is not 2048 bits")
	}
	tbep, err := os.ReadFile("testdata/tbep/public-key.pem")
	if err != nil {
		t.Fatal(err)
	}
	if p, err := ParsePublicKey(tbep); err != nil || !testKey.PublicKey.Equal(p) {
		t.Fatalf("TBEP public key: %v", err)
	}
	for _, bad := range [][]byte{nil, []byte("x"), priv} {
		if _, err := ParsePublicKey(bad); !errors.Is(err, ErrNotRSAKey) {
			t.Errorf("ParsePublicKey accepted %.20q", bad)
		}
	}
	if _, err := ParsePrivateKey(pub); !errors.Is(err, ErrNotRSAKey) {
		t.Error("ParsePrivateKey accepted a public key")
	}
}

// A scan read through Open (twice, never held) builds the same file a bot decrypts as
// one given as Content, and a scan that changes between the passes is refused.
func TestBuildStreamedAttachment(t *testing.T) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	scan := bytes.Repeat([]byte("%PDF-1.7 streamed scan\n"), 10_000)
	files := map[string]*bytes.Buffer{}
	create := func(name string) (io.WriteCloser, error) {
		files[name] = &bytes.Buffer{}
		return nopCloser{files[name]}, nil
	}
	open := func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(scan)), nil }
	docs := []Document{{Type: "bank_statement", Files: []Attachment{{Role: "file/1", Open: open, Size: int64(len(scan))}}}}
	built, err := Build(docs, &key.PublicKey, BuildOptions{Nonce: "n", Create: create})
	if err != nil {
		t.Fatal(err)
	}
	p, err := Open(built.PassportData, key, OpenOptions{Nonce: "n"})
	if err != nil {
		t.Fatal(err)
	}
	f := &p.Elements[0].Files[0]
	ct := files[f.FileUniqueID]
	if ct == nil || built.Files[0].Ciphertext != nil {
		t.Fatalf("file %s not written through Create", f.FileUniqueID)
	}
	var got bytes.Buffer
	if _, err := f.DecryptTo(&got, bytes.NewReader(ct.Bytes())); err != nil || !bytes.Equal(got.Bytes(), scan) {
		t.Fatalf("DecryptTo: %v, %d bytes back of %d", err, got.Len(), len(scan))
	}
	plain, err := f.Decrypt(ct.Bytes())
	if err != nil || !bytes.Equal(plain, scan) {
		t.Fatalf("Decrypt: %v", err)
	}
	// Flip a ciphertext byte: DecryptTo reports the hash.
	bad := bytes.Clone(ct.Bytes())
	bad[len(bad)/2] ^= 1
	var rej *RejectedError
	if _, err := f.DecryptTo(io.Discard, bytes.NewReader(bad)); !errors.As(err, &rej) || rej.Reason != ReasonHash {
		t.Fatalf("altered file: %v, want reason hash", err)
	}
	calls := 0
	changing := func() (io.ReadCloser, error) {
		calls++
		b := bytes.Clone(scan)
		b[0] = byte(calls)
		return io.NopCloser(bytes.NewReader(b)), nil
	}
	docs[0].Files[0].Open = changing
	if _, err := Build(docs, &key.PublicKey, BuildOptions{Nonce: "n", Create: create}); err == nil {
		t.Fatal("a scan that changed between the passes was built")
	}
	docs[0].Files[0].Open, docs[0].Files[0].Size = open, int64(len(scan))+1
	if _, err := Build(docs, &key.PublicKey, BuildOptions{Nonce: "n", Create: create}); err == nil {
		t.Fatal("a scan shorter than its size was built")
	}
}

type nopCloser struct{ io.Writer }

func (nopCloser) Close() error { return nil }
