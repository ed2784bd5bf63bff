package export

import (
	"archive/tar"
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"testing"
	"time"

	"filippo.io/age"

	"github.com/paspor/paspor/crypto"
)

// testNow is the fixed creation time of test bundles.
var testNow = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

func holderKey(seed byte) ed25519.PrivateKey {
	return ed25519.NewKeyFromSeed(bytes.Repeat([]byte{seed}, ed25519.SeedSize))
}

// partner is a test partner: its identity file content and parsed identity.
type partner struct {
	file      []byte
	recipient string
	ids       []crypto.PartnerIdentity
}

func newPartner(t testing.TB, pq bool) partner {
	t.Helper()
	content, recipient, err := crypto.GeneratePartnerIdentity(pq)
	if err != nil {
		t.Fatal(err)
	}
	ids, err := crypto.ParseIdentityFile(content)
	if err != nil {
		t.Fatal(err)
	}
	return partner{file: content, recipient: recipient, ids: ids}
}

func sum(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// testDocs returns a passport with two attachments and a personal_details document, and an
// opener serving the attachments.
func testDocs() ([]Document, FileOpener) {
	front := append([]byte{0xff, 0xd8, 0xff}, bytes.Repeat([]byte("front"), 100)...)
	pdf := []byte("%PDF-1.4 translation")
	content := [][][]byte{{front, pdf}, nil}
	docs := []Document{
		{ID: "a1b2c3", Type: "passport", Label: "main", Fields: map[string]string{"document_no": "X1234567", "expiry_date": "2030-01-01"},
			Files: []File{
				{Role: "front_side", MediaType: "image/jpeg", Size: int64(len(front)), SHA256: sum(front)},
				{Role: "translation/1", MediaType: "application/pdf", Size: int64(len(pdf)), SHA256: sum(pdf)},
			}},
		{ID: "d4e5f6", Type: "personal_details", Fields: map[string]string{"first_name": "Ada", "last_name": "Lovelace"}},
	}
	open := func(d, f int) (io.ReadCloser, error) {
		return io.NopCloser(bytes.NewReader(content[d][f])), nil
	}
	return docs, open
}

func writeTestBundle(t testing.TB, recipients []string, mod func(*WriteOptions)) ([]byte, *Manifest) {
	t.Helper()
	docs, open := testDocs()
	opts := WriteOptions{Recipients: mustRecipients(t, recipients...), Nonce: "n-123", Purpose: "kyc", Now: testNow, TTL: time.Hour, Signer: holderKey(1)}
	if mod != nil {
		mod(&opts)
	}
	var buf bytes.Buffer
	m, err := Write(&buf, docs, open, opts)
	if err != nil {
		t.Fatal(err)
	}
	return buf.Bytes(), m
}

// mustRecipients parses recipients for WriteOptions.
func mustRecipients(t testing.TB, list ...string) *Recipients {
	t.Helper()
	rs, err := ParseRecipients(list)
	if err != nil {
		t.Fatal(err)
	}
	return rs
}

// decryptAll decrypts a bundle to its tar bytes.
func decryptAll(t testing.TB, bundle []byte, ids []crypto.PartnerIdentity) []byte {
	t.Helper()
	plain, _, err := decrypt(bytes.NewReader(bundle), ids)
	if err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(plain)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// tarEntry is an arbitrary tar entry for crafting bundles.
type tarEntry struct {
	Name     string
	Data     []byte
	Type     byte
	Linkname string
	ModTime  time.Time // zero means testNow
}

func buildTar(t testing.TB, entries []tarEntry) []byte {
	t.Helper()
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, e := range entries {
		typ := e.Type
		if typ == 0 {
			typ = tar.TypeReg
		}
		mtime := e.ModTime
		if mtime.IsZero() {
			mtime = testNow
		}
		hdr := &tar.Header{Typeflag: typ, Name: e.Name, Linkname: e.Linkname, Mode: 0o600, ModTime: mtime}
		if typ == tar.TypeReg {
			hdr.Size = int64(len(e.Data))
		}
		if err := tw.WriteHeader(hdr); err != nil {
			t.Fatal(err)
		}
		if _, err := tw.Write(e.Data); err != nil && typ == tar.TypeReg {
			t.Fatal(err)
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// craft describes a bundle built by hand, so that each check can be made to fail alone.
type craft struct {
	manifest *Manifest
	content  map[string][]byte // tar content per manifest path; a missing key leaves the file out
	signer   ed25519.PrivateKey
	json     func([]byte) []byte         // rewrites manifest.json's bytes before they are hashed and signed
	sums     func([]byte) []byte         // rewrites SHA256SUMS after the manifest hash, before signing
	entries  func([]tarEntry) []tarEntry // last change to the entry list
	raw      func([]byte) []byte         // rewrites the finished tar's bytes
}

// newCraft returns a valid bundle description addressed to audience.
func newCraft(audience ...string) *craft {
	data := []byte("\x89PNG\r\n\x1a\nPNGDATA")
	m := &Manifest{
		Format: Format, BundleID: "00112233445566778899aabbccddeeff",
		CreatedAt: testNow, ExpiresAt: testNow.Add(time.Hour),
		Holder:   crypto.SSHPublicKeyLine(holderKey(1).Public().(ed25519.PublicKey), ""),
		Audience: audience, Nonce: "n-123",
		Documents: []Document{{ID: "doc1", Type: "identity_card", Fields: map[string]string{"document_no": "1"},
			Files: []File{{Role: "selfie", Path: "files/doc1/selfie.png", MediaType: "image/png", Size: int64(len(data)), SHA256: sum(data)}}}},
	}
	return &craft{manifest: m, content: map[string][]byte{"files/doc1/selfie.png": data}, signer: holderKey(1)}
}

// tar builds the craft's entries in the format's order: manifest.json, SHA256SUMS,
// SHA256SUMS.sig, then the files; entries can reorder or change them.
func (c *craft) tar(t testing.TB) []byte {
	t.Helper()
	mj, err := json.MarshalIndent(c.manifest, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	if c.json != nil {
		mj = c.json(mj)
	}
	sums := map[string]string{manifestName: sum(mj)}
	var files []tarEntry
	for _, d := range c.manifest.Documents {
		for _, f := range d.Files {
			sums[f.Path] = f.SHA256
			if data, ok := c.content[f.Path]; ok {
				files = append(files, tarEntry{Name: f.Path, Data: data})
			}
		}
	}
	sumsText := formatSums(sums)
	if c.sums != nil {
		sumsText = c.sums(sumsText)
	}
	sig, err := crypto.SignSSHSIG(c.signer, Namespace, bytes.NewReader(sumsText))
	if err != nil {
		t.Fatal(err)
	}
	entries := append([]tarEntry{{Name: manifestName, Data: mj}, {Name: sumsName, Data: sumsText}, {Name: sigName, Data: sig}}, files...)
	for i := range entries {
		entries[i].ModTime = c.manifest.CreatedAt
	}
	if c.entries != nil {
		entries = c.entries(entries)
	}
	out := buildTar(t, entries)
	if c.raw != nil {
		out = c.raw(out)
	}
	return out
}

// encryptTo wraps plaintext in age for the recipients, as a forwarding partner would.
func encryptTo(t testing.TB, plain []byte, recipients ...string) []byte {
	t.Helper()
	var rs []age.Recipient
	for _, s := range recipients {
		r, _, _, err := crypto.ParseRecipient(s)
		if err != nil {
			t.Fatal(err)
		}
		rs = append(rs, r)
	}
	var buf bytes.Buffer
	w, err := age.Encrypt(&buf, rs...)
	if err != nil {
		t.Fatal(err)
	}
	w.Write(plain)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}
