package export

import (
	"bytes"
	"crypto/ed25519"
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"filippo.io/age"
	"filippo.io/age/agessh"

	"github.com/paspor/paspor/crypto"
)

// checkOpened checks a successful Open against what Write returned and what landed on disk.
func checkOpened(t *testing.T, res *Result, want *Manifest, dir string) {
	t.Helper()
	if res.Manifest.BundleID != want.BundleID || !slices.Equal(res.Manifest.Audience, want.Audience) {
		t.Fatalf("opened manifest differs: %+v", res.Manifest)
	}
	if res.Holder != want.Holder || res.Fingerprint != crypto.Fingerprint(holderKey(1).Public().(ed25519.PublicKey)) {
		t.Fatalf("holder %q fingerprint %q", res.Holder, res.Fingerprint)
	}
	if dir == "" {
		return
	}
	if res.Dir != filepath.Join(dir, want.BundleID) {
		t.Fatalf("Dir = %q", res.Dir)
	}
	docs, open := testDocs()
	for d, doc := range want.Documents {
		for f, file := range doc.Files {
			got, err := os.ReadFile(filepath.Join(res.Dir, filepath.FromSlash(file.Path)))
			if err != nil {
				t.Fatal(err)
			}
			rc, _ := open(d, f)
			wantData, _ := io.ReadAll(rc)
			if !bytes.Equal(got, wantData) || docs[d].Files[f].Role != file.Role {
				t.Fatalf("%s differs", file.Path)
			}
		}
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Fatalf("OutDir holds %d entries, want only the bundle folder", len(entries))
	}
}

func TestRoundTrip(t *testing.T) {
	x, x2, pq := newPartner(t, false), newPartner(t, false), newPartner(t, true)
	ed := holderKey(42)
	edLine := crypto.SSHPublicKeyLine(ed.Public().(ed25519.PublicKey), "partner@bank")
	edIDs := []crypto.PartnerIdentity{{Identity: mustEd25519Identity(t, ed), Recipient: crypto.SSHPublicKeyLine(ed.Public().(ed25519.PublicKey), "")}}
	cases := []struct {
		name       string
		recipients []string
		ids        []crypto.PartnerIdentity
		armor      bool
	}{
		{"x25519", []string{x.recipient}, x.ids, false},
		{"x25519 armored", []string{x.recipient}, x.ids, true},
		{"hybrid", []string{pq.recipient}, pq.ids, false},
		{"ssh-ed25519", []string{edLine}, edIDs, false},
		{"several, opened by the second", []string{x.recipient, edLine, x2.recipient}, x2.ids, true},
		{"several, opened by ssh", []string{x.recipient, edLine, x2.recipient}, edIDs, false},
		{"identity list with a non-matching key first", []string{x2.recipient}, append(slices.Clone(x.ids), x2.ids...), false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			bundle, m := writeTestBundle(t, c.recipients, func(o *WriteOptions) { o.Armor = c.armor })
			if c.armor != bytes.HasPrefix(bundle, []byte("-----BEGIN AGE ENCRYPTED FILE-----")) {
				t.Fatalf("armor = %v but bundle starts %q", c.armor, bundle[:20])
			}
			if len(m.Audience) != len(c.recipients) || strings.Contains(strings.Join(m.Audience, ","), "partner@bank") {
				t.Fatalf("audience %q", m.Audience)
			}
			dir := t.TempDir()
			res, err := Open(bytes.NewReader(bundle), OpenOptions{Identities: c.ids, Holder: holderKey(1).Public().(ed25519.PublicKey),
				Nonce: "n-123", Now: testNow.Add(time.Minute), OutDir: dir})
			if err != nil {
				t.Fatal(err)
			}
			if !res.HolderPinned {
				t.Fatal("holder not reported as pinned")
			}
			checkOpened(t, res, m, dir)
			// Verify only: nothing written, holder not pinned.
			res, err = Open(bytes.NewReader(bundle), OpenOptions{Identities: c.ids, Now: testNow})
			if err != nil || res.HolderPinned || res.Dir != "" {
				t.Fatalf("verify only: %+v, %v", res, err)
			}
		})
	}
}

func TestOpenTwiceRefusesToReplace(t *testing.T) {
	p := newPartner(t, false)
	bundle, _ := writeTestBundle(t, []string{p.recipient}, nil)
	dir := t.TempDir()
	opts := OpenOptions{Identities: p.ids, Now: testNow, OutDir: dir}
	if _, err := Open(bytes.NewReader(bundle), opts); err != nil {
		t.Fatal(err)
	}
	_, err := Open(bytes.NewReader(bundle), opts)
	var ee *ExistsError
	if !errors.Is(err, os.ErrExist) || !errors.As(err, &ee) {
		t.Fatalf("second Open: %v", err)
	}
	if ee.BundleID == "" || ee.Dir != filepath.Join(dir, ee.BundleID) {
		t.Errorf("ExistsError = %+v", ee)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Fatalf("second Open left %d entries", len(entries))
	}
}

// TestSelectiveDisclosure: Write puts nothing but the given documents in the tar; the caller
// (the CLI's --fields and --attachments) drops what the partner did not ask for.
func TestSelectiveDisclosure(t *testing.T) {
	p := newPartner(t, false)
	wallet, open := testDocs()
	wallet[0].Fields["issuing_country"] = "SECRETLAND"
	chosen := wallet[0]
	chosen.Fields = map[string]string{"document_no": wallet[0].Fields["document_no"]}
	chosen.Files = wallet[0].Files[:1]
	var buf bytes.Buffer
	opts := WriteOptions{Recipients: mustRecipients(t, p.recipient), Now: testNow, TTL: time.Hour, Signer: holderKey(1)}
	if _, err := Write(&buf, []Document{chosen}, open, opts); err != nil {
		t.Fatal(err)
	}
	plain := decryptAll(t, buf.Bytes(), p.ids)
	for _, absent := range []string{"SECRETLAND", "issuing_country", "2030-01-01", "%PDF-1.4 translation", "translation", "Lovelace", "d4e5f6"} {
		if bytes.Contains(plain, []byte(absent)) {
			t.Errorf("tar contains %q, which was not passed", absent)
		}
	}
	for _, present := range []string{"X1234567", "front_side", "a1b2c3"} {
		if !bytes.Contains(plain, []byte(present)) {
			t.Errorf("tar lacks %q, which was passed", present)
		}
	}
}

func mustEd25519Identity(t *testing.T, k ed25519.PrivateKey) age.Identity {
	t.Helper()
	id, err := agessh.NewEd25519Identity(k)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func TestWriteRefuses(t *testing.T) {
	x := newPartner(t, false)
	docs, open := testDocs()
	base := WriteOptions{Recipients: mustRecipients(t, x.recipient), Now: testNow, TTL: time.Hour, Signer: holderKey(1)}
	badSize := func(o *WriteOptions) []Document { d := cloneDocs(docs); d[0].Files[0].Size++; return d }
	badHash := func(o *WriteOptions) []Document {
		d := cloneDocs(docs)
		d[0].Files[1].SHA256 = sum([]byte("x"))
		return d
	}
	badRole := func(o *WriteOptions) []Document { d := cloneDocs(docs); d[0].Files[0].Role = "../x"; return d }
	badID := func(o *WriteOptions) []Document { d := cloneDocs(docs); d[1].ID = "a/b"; return d }
	same := func(o *WriteOptions) []Document { return docs }
	cases := map[string]struct {
		mod  func(*WriteOptions)
		docs func(*WriteOptions) []Document
	}{
		"no recipients":    {func(o *WriteOptions) { o.Recipients = nil }, same},
		"empty recipients": {func(o *WriteOptions) { o.Recipients = &Recipients{} }, same},
		"no ttl":           {func(o *WriteOptions) { o.TTL = 0 }, same},
		"no signer":        {func(o *WriteOptions) { o.Signer = nil }, same},
		"size mismatch":    {func(*WriteOptions) {}, badSize},
		"hash mismatch":    {func(*WriteOptions) {}, badHash},
		"unsafe role":      {func(*WriteOptions) {}, badRole},
		"unsafe id":        {func(*WriteOptions) {}, badID},
	}
	for name, c := range cases {
		opts := base
		c.mod(&opts)
		if _, err := Write(io.Discard, c.docs(&opts), open, opts); err == nil {
			t.Errorf("%s: Write succeeded", name)
		}
	}
}

func cloneDocs(docs []Document) []Document {
	out := slices.Clone(docs)
	for i := range out {
		out[i].Files = slices.Clone(out[i].Files)
	}
	return out
}
