package backup

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"
	"testing"

	"filippo.io/age"

	"github.com/paspor/paspor/crypto"
)

func TestRoundTrip(t *testing.T) {
	id := testIdentity(t)
	data := writeTestBackup(t, id)
	b, err := Open(bytes.NewReader(data), OpenOptions{Identities: []age.Identity{id}, Holder: testKey(1).Public().(ed25519.PublicKey)})
	if err != nil {
		t.Fatal(err)
	}
	var scans [][]byte
	if err := b.Scans(func(d, a int, r io.Reader) error {
		got, err := io.ReadAll(r)
		if !bytes.Equal(got, scanOf(d, a)) {
			t.Errorf("scan %d/%d differs", d, a)
		}
		scans = append(scans, got)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if len(scans) != 2 {
		t.Fatalf("read %d scans, want 2", len(scans))
	}
	want := testContents()
	for i := range want.Documents {
		for j := range want.Documents[i].Attachments {
			a := &want.Documents[i].Attachments[j]
			a.Path = scanPath(want.Documents[i].ID, a.Role, a.MediaType)
		}
		if want.Documents[i].Attachments == nil {
			want.Documents[i].Attachments = []Attachment{}
		}
	}
	if !reflect.DeepEqual(b.Contents, *want) {
		t.Errorf("contents differ:\n got %+v\nwant %+v", b.Contents, *want)
	}
	if !b.SigningKey.Equal(testKey(1)) {
		t.Error("the holder key differs")
	}
	if b.Manifest.Counts != (Counts{Documents: 3, Scans: 2, Shares: 3, Feedback: 1}) {
		t.Errorf("counts %+v", b.Manifest.Counts)
	}
	if b.Scans(func(int, int, io.Reader) error { return nil }) == nil {
		t.Error("Scans ran twice")
	}
}

func TestPassphraseRoundTrip(t *testing.T) {
	var buf bytes.Buffer
	_, err := Write(&buf, testContents(), testOpener, WriteOptions{Passphrase: []byte("correct horse"), ScryptWorkFactor: 10, Now: testNow, Signer: testKey(1), Armor: true})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(buf.String(), "-----BEGIN AGE ENCRYPTED FILE-----") {
		t.Fatal("not armored")
	}
	if _, err := Open(bytes.NewReader(buf.Bytes()), OpenOptions{Passphrase: []byte("wrong")}); !isReason(err, ReasonDecrypt) {
		t.Fatalf("wrong passphrase: %v", err)
	}
	b, err := Open(bytes.NewReader(buf.Bytes()), OpenOptions{Passphrase: []byte("correct horse")})
	if err != nil {
		t.Fatal(err)
	}
	if err := b.Verify(); err != nil {
		t.Fatal(err)
	}
}

func TestWriteRefuses(t *testing.T) {
	id := testIdentity(t)
	data := writeTestBackup(t, id)
	_ = data
	for name, opts := range map[string]WriteOptions{
		"nothing to encrypt to": {Signer: testKey(1)},
		"no signer":             {Passphrase: []byte("x")},
	} {
		if _, err := Write(io.Discard, testContents(), testOpener, opts); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	wrong := func(d, a int) (io.ReadCloser, error) { return io.NopCloser(strings.NewReader("%PDF-other")), nil }
	if _, err := Write(io.Discard, testContents(), wrong, WriteOptions{Passphrase: []byte("x"), ScryptWorkFactor: 10, Signer: testKey(1)}); err == nil {
		t.Error("a scan that differs from its declared hash was written")
	}
}

func isReason(err error, reason string) bool {
	var rej *RejectedError
	return errors.As(err, &rej) && rej.Reason == reason
}

// resign rebuilds SHA256SUMS over entries (keeping each listed name's hash of its data) and
// signs it with key, as someone who decrypted a backup and changed it would.
func resign(t *testing.T, entries []tarEntry, key []byte) []tarEntry {
	t.Helper()
	sums := map[string]string{}
	for _, e := range entries[3:] {
		h := sha256.Sum256(e.data)
		sums[e.name] = hex.EncodeToString(h[:])
	}
	h := sha256.Sum256(entries[0].data)
	sums[manifestName] = hex.EncodeToString(h[:])
	text := formatSums(sums)
	sig, err := crypto.SignSSHSIG(key, Namespace, bytes.NewReader(text))
	if err != nil {
		t.Fatal(err)
	}
	out := append([]tarEntry(nil), entries...)
	out[1], out[2] = tarEntry{sumsName, text}, tarEntry{sigName, sig}
	return out
}

func TestRejects(t *testing.T) {
	id := testIdentity(t)
	plain := plainOf(t, writeTestBackup(t, id), id)
	entries := splitTar(t, plain)
	mtime := testNow.Unix()
	edit := func(f func(es []tarEntry) []tarEntry) []byte {
		es := make([]tarEntry, len(entries))
		for i, e := range entries {
			es[i] = tarEntry{e.name, bytes.Clone(e.data)}
		}
		return joinTar(t, f(es), mtime)
	}
	index := func(name string) int {
		for i, e := range entries {
			if e.name == name {
				return i
			}
		}
		t.Fatalf("no entry %s", name)
		return 0
	}
	manifestEdit := func(f func(m map[string]any)) func([]tarEntry) []tarEntry {
		return func(es []tarEntry) []tarEntry {
			var m map[string]any
			if err := json.Unmarshal(es[0].data, &m); err != nil {
				t.Fatal(err)
			}
			f(m)
			es[0].data, _ = json.Marshal(m)
			return resign(t, es, testKey(1))
		}
	}
	cases := []struct {
		name, reason string
		plain        []byte
		opts         OpenOptions
	}{
		{"a missing scan", ReasonMissingFile, edit(func(es []tarEntry) []tarEntry { return es[:len(es)-1] }), OpenOptions{}},
		{"a missing document.json", ReasonMissingFile, edit(func(es []tarEntry) []tarEntry {
			i := index(docPath("a2b3c4d5"))
			return append(es[:i], es[i+1:]...)
		}), OpenOptions{}},
		{"an extra file after the scans", ReasonExtraFile, edit(func(es []tarEntry) []tarEntry {
			return append(es, tarEntry{"documents/a2b3c4d5/file-1.pdf", []byte("%PDF-1.7\n")})
		}), OpenOptions{}},
		{"an extra file among the JSON", ReasonMissingFile, edit(func(es []tarEntry) []tarEntry {
			return append(es[:4], append([]tarEntry{{"documents/a2b3c4d5/file-1.pdf", []byte("x")}}, es[4:]...)...)
		}), OpenOptions{}},
		{"an unsafe name", ReasonUnsafeEntry, edit(func(es []tarEntry) []tarEntry {
			return append(es[:4], append([]tarEntry{{"../../etc/passwd", []byte("x")}}, es[4:]...)...)
		}), OpenOptions{}},
		{"scans swapped", ReasonMissingFile, edit(func(es []tarEntry) []tarEntry {
			n := len(es)
			es[n-1], es[n-2] = es[n-2], es[n-1]
			return es
		}), OpenOptions{}},
		{"manifest re-signed by another key", ReasonSignature, edit(func(es []tarEntry) []tarEntry { return resign(t, es, testKey(2)) }), OpenOptions{}},
		{"manifest re-signed by the holder with a wrong count", ReasonInvalid, edit(manifestEdit(func(m map[string]any) {
			m["counts"].(map[string]any)["scans"] = 3
		})), OpenOptions{}},
		{"manifest re-signed naming another holder", ReasonSignature, edit(manifestEdit(func(m map[string]any) {
			m["holder"] = crypto.SSHPublicKeyLine(testKey(2).Public().(ed25519.PublicKey), "")
		})), OpenOptions{}},
		{"a backup entirely re-made by another key, pinned", ReasonHolder, func() []byte {
			var buf bytes.Buffer
			rs := []age.Recipient{id.Recipient()}
			_ = rs
			if _, err := Write(&buf, testContents(), testOpener, WriteOptions{Passphrase: []byte("p"), ScryptWorkFactor: 10, Now: testNow, Signer: testKey(2)}); err != nil {
				t.Fatal(err)
			}
			return plainOf(t, buf.Bytes(), mustScrypt(t, "p"))
		}(), OpenOptions{Holder: testKey(1).Public().(ed25519.PublicKey)}},
		{"a document changed and re-signed by the holder, hash left", ReasonHash, edit(func(es []tarEntry) []tarEntry {
			es = resign(t, es, testKey(1))
			i := index(docPath("a2b3c4d5"))
			es[i].data = bytes.Replace(es[i].data, []byte("London"), []byte("Paris!"), 1)
			return es
		}), OpenOptions{}},
		{"a field made invalid and re-signed", ReasonInvalid, edit(func(es []tarEntry) []tarEntry {
			i := index(docPath("a2b3c4d5"))
			es[i].data = bytes.Replace(es[i].data, []byte(`"GB"`), []byte(`"XX"`), 1)
			return resign(t, es, testKey(1))
		}), OpenOptions{}},
		{"a duplicate key, re-signed", ReasonInvalid, edit(func(es []tarEntry) []tarEntry {
			i := index(docPath("a2b3c4d5"))
			es[i].data = bytes.Replace(es[i].data, []byte(`"city": "London",`), []byte(`"city": "London", "city": "Paris",`), 1)
			return resign(t, es, testKey(1))
		}), OpenOptions{}},
		{"a key in another case, re-signed", ReasonInvalid, edit(func(es []tarEntry) []tarEntry {
			i := index(docPath("a2b3c4d5"))
			es[i].data = bytes.Replace(es[i].data, []byte(`"city"`), []byte(`"City"`), 1)
			return resign(t, es, testKey(1))
		}), OpenOptions{}},
		{"a feedback entry changed, hash left", ReasonHash, edit(func(es []tarEntry) []tarEntry {
			i := index(feedbackName)
			es[i].data = bytes.Replace(es[i].data, []byte("misspelt"), []byte("mis-spelt"), 1)
			return es
		}), OpenOptions{}},
		{"a share's partner_key changed, re-signed", ReasonInvalid, edit(func(es []tarEntry) []tarEntry {
			i := index(historyName)
			other := crypto.SSHPublicKeyLine(testKey(4).Public().(ed25519.PublicKey), "")
			es[i].data = bytes.Replace(es[i].data, []byte(testPartnerKey), []byte(other), 1)
			return resign(t, es, testKey(1))
		}), OpenOptions{}},
		{"feedback about a document the bundle did not hold, re-signed", ReasonInvalid, edit(func(es []tarEntry) []tarEntry {
			i := index(feedbackName)
			es[i].data = bytes.Replace(es[i].data, []byte(`"document_id": "a2b3c4d5"`), []byte(`"document_id": "p1073xwb"`), 1)
			return resign(t, es, testKey(1))
		}), OpenOptions{}},
		{"a share's request fields half set, re-signed", ReasonInvalid, edit(func(es []tarEntry) []tarEntry {
			i := index(historyName)
			es[i].data = bytes.Replace(es[i].data, []byte(`"request_id": "77777777777777777777777777777777",`), nil, 1)
			return resign(t, es, testKey(1))
		}), OpenOptions{}},
		{"feedback with a control character in a message, re-signed", ReasonInvalid, edit(func(es []tarEntry) []tarEntry {
			i := index(feedbackName)
			es[i].data = bytes.Replace(es[i].data, []byte("misspelt"), []byte(`mis\u001bspelt`), 1)
			return resign(t, es, testKey(1))
		}), OpenOptions{}},
		{"too large", ReasonTooLarge, plain, OpenOptions{MaxTotalSize: int64(len(plain)) - 1}},
		{"not a tar", ReasonNotABackup, bytes.Repeat([]byte("x"), 2048), OpenOptions{}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := openAll(tc.plain, tc.opts)
			if !isReason(err, tc.reason) {
				t.Fatalf("got %v, want reason %s", err, tc.reason)
			}
		})
	}
	if _, _, err := openAll(plain, OpenOptions{MaxTotalSize: int64(len(plain))}); err != nil {
		t.Fatalf("a backup of exactly the cap: %v", err)
	}
}

func mustScrypt(t *testing.T, pass string) age.Identity {
	id, err := age.NewScryptIdentity(pass)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// TestEveryByte flips bytes of a backup's tar: every byte of the first header block, then
// every 11th byte (11 is prime to the 512-byte block, so every header offset is hit in some
// header): every change is rejected (none passes unnoticed, none panics) with a
// RejectedError. And one flipped byte anywhere in the age file is rejected too.
func TestEveryByte(t *testing.T) {
	id := testIdentity(t)
	data := writeTestBackup(t, id)
	plain := plainOf(t, data, id)
	for i := 0; i < len(plain); i++ {
		if i >= blockSize && i%11 != 0 {
			continue
		}
		p := bytes.Clone(plain)
		p[i] ^= 0x01
		_, _, err := openAll(p, OpenOptions{})
		var rej *RejectedError
		if !errors.As(err, &rej) {
			t.Fatalf("byte %d of %d flipped: got %v, want a rejection", i, len(plain), err)
		}
	}
	step := max(1, len(data)/97)
	for i := 0; i < len(data); i += step {
		d := bytes.Clone(data)
		d[i] ^= 0x01
		b, err := Open(bytes.NewReader(d), OpenOptions{Identities: []age.Identity{id}})
		if err == nil {
			err = b.Verify()
		}
		if !isReason(err, ReasonDecrypt) && !isReason(err, ReasonDamaged) {
			t.Fatalf("age byte %d flipped: got %v, want decrypt or damaged", i, err)
		}
	}
}

func ExampleWrite() {
	id, _ := age.GenerateX25519Identity()
	var buf bytes.Buffer
	m, err := Write(&buf, testContents(), testOpener, WriteOptions{Recipients: mustRecipients(id), Now: testNow, Signer: testKey(1)})
	if err != nil {
		panic(err)
	}
	b, err := Open(&buf, OpenOptions{Identities: []age.Identity{id}})
	if err != nil {
		panic(err)
	}
	fmt.Println(m.Format, b.Manifest.Counts.Documents, "documents", b.Verify())
	// Output: paspor-backup/1 3 documents <nil>
}
