package backup

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"testing"
	"time"

	"filippo.io/age"

	"github.com/paspor/paspor/crypto"
	"github.com/paspor/paspor/export"
)

// testKey is a fixed holder key, so that seeds and goldens are reproducible.
func testKey(n byte) ed25519.PrivateKey {
	seed := bytes.Repeat([]byte{n}, ed25519.SeedSize)
	return ed25519.NewKeyFromSeed(seed)
}

var testNow = time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)

// testScans are the scans of testContents, by path.
var testScans = [][]byte{
	append([]byte("%PDF-1.7\n"), bytes.Repeat([]byte("statement "), 300)...),
	append([]byte{0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'}, bytes.Repeat([]byte{7}, 700)...),
}

func sum(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

// testContents is a small wallet: a passport with a scan and a translation, an address, a
// bank statement with one file, one share.
func testContents() *Contents {
	created := time.Date(2026, 1, 2, 3, 4, 5, 678, time.UTC)
	return &Contents{
		WalletID: "0123456789abcdef0123456789abcdef",
		Documents: []Document{
			{ID: "p1073xwb", Type: "passport", Label: "mine", Fields: map[string]string{"document_no": "P123", "expiry_date": "2031-05-01"},
				CreatedAt: created, UpdatedAt: created, Attachments: []Attachment{
					{Role: "translation/1", MediaType: "image/png", Size: int64(len(testScans[1])), SHA256: sum(testScans[1])}}},
			{ID: "a2b3c4d5", Type: "address", Fields: map[string]string{"street_line1": "1 Main St", "city": "London", "post_code": "N1", "country_code": "GB"},
				CreatedAt: created, UpdatedAt: created},
			{ID: "4yna1v2e", Type: "bank_statement", Fields: map[string]string{"issue_date": "2026-11-01"},
				CreatedAt: created, UpdatedAt: created, Attachments: []Attachment{
					{Role: "file/1", MediaType: "application/pdf", Size: int64(len(testScans[0])), SHA256: sum(testScans[0])}}},
		},
		History: []Share{{BundleID: "4da1d6628ee24da1d6628ee24da1d662", CreatedAt: testNow.Add(-time.Hour), ExpiresAt: testNow.Add(time.Hour),
			Audience: []string{"age17n7ek6srwal9wknq3k8s6a8cdy3ykq4v9fa0rmw6mgsfyjyuyc0qvzf2tv"}, Nonce: "n-1", Purpose: "account opening",
			Documents: []SharedDocument{{ID: "p1073xwb", Type: "passport", Fields: []string{"document_no"}, Attachments: []string{}}}},
			{BundleID: "5eb2e7739ff35eb2e7739ff35eb2e773", CreatedAt: testNow.Add(-30 * time.Minute), ExpiresAt: testNow.Add(time.Hour),
				Audience: []string{"age17n7ek6srwal9wknq3k8s6a8cdy3ykq4v9fa0rmw6mgsfyjyuyc0qvzf2tv"}, Nonce: "0123456789abcdef0123456789abcdef",
				RequestID: "77777777777777777777777777777777", Partner: "Example Bank", PartnerKey: testPartnerKey, Partial: true,
				Documents: []SharedDocument{{ID: "a2b3c4d5", Type: "address", Fields: []string{"city"}, Attachments: []string{}}}},
			// A Telegram Passport share: no expiry (the zero time).
			{BundleID: "6fc3f8840aa46fc3f8840aa46fc3f884", CreatedAt: testNow.Add(-20 * time.Minute),
				Audience: []string{"telegram-bot:SHA256:0f7d2b8c"}, Nonce: "tg-nonce",
				Documents: []SharedDocument{{ID: "a2b3c4d5", Type: "address", Fields: []string{"city"}, Attachments: []string{}}}}},
		Feedback: []Feedback{{FeedbackID: "88888888888888888888888888888888", BundleID: "5eb2e7739ff35eb2e7739ff35eb2e773",
			RequestID: "77777777777777777777777777777777", Partner: "Example Bank", PartnerKey: testPartnerKey,
			CreatedAt: testNow.Add(-20 * time.Minute), ReceivedAt: testNow.Add(-10*time.Minute + 123456789),
			Items: []FeedbackItem{{Source: "data", DocumentID: "a2b3c4d5", Type: "address", Field: "city",
				DataHash: sum([]byte("London")), Message: "the city is misspelt"}}}},
	}
}

// testPartnerKey is the signing key of the partner testContents' second share answered.
var testPartnerKey = crypto.SSHPublicKeyLine(testKey(3).Public().(ed25519.PublicKey), "")

// scanOf maps testContents' attachments to testScans.
func scanOf(d, a int) []byte {
	if d == 0 {
		return testScans[1]
	}
	return testScans[0]
}

func testOpener(d, a int) (io.ReadCloser, error) {
	return io.NopCloser(bytes.NewReader(scanOf(d, a))), nil
}

// testIdentity is a fresh X25519 identity for the age layer.
func testIdentity(t testing.TB) *age.X25519Identity {
	t.Helper()
	id, err := age.GenerateX25519Identity()
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// writeTestBackup writes testContents to id's recipient.
func writeTestBackup(t testing.TB, id *age.X25519Identity) []byte {
	t.Helper()
	rs, err := export.ParseRecipients([]string{id.Recipient().String()})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if _, err := Write(&buf, testContents(), testOpener, WriteOptions{Recipients: rs, Now: testNow, Signer: testKey(1)}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// plainOf decrypts a backup to its tar.
func plainOf(t testing.TB, data []byte, id age.Identity) []byte {
	t.Helper()
	r, err := age.Decrypt(bytes.NewReader(data), id)
	if err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// openAll opens a decrypted backup and reads every scan, returning them.
func openAll(plain []byte, opts OpenOptions) (*Backup, [][]byte, error) {
	b, err := openPlain(bytes.NewReader(plain), opts)
	if err != nil {
		return nil, nil, err
	}
	var scans [][]byte
	err = b.Scans(func(d, a int, r io.Reader) error {
		data, err := io.ReadAll(r)
		scans = append(scans, data)
		return err
	})
	return b, scans, err
}

// tarEntries splits a canonical tar into its entries' names and data.
type tarEntry struct {
	name string
	data []byte
}

func splitTar(t testing.TB, plain []byte) []tarEntry {
	t.Helper()
	u := &ustarReader{r: bytes.NewReader(plain)}
	var out []tarEntry
	for {
		name, size, _, err := u.next()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		data := make([]byte, size)
		if _, err := io.ReadFull(u, data); err != nil {
			t.Fatal(err)
		}
		out = append(out, tarEntry{name, data})
	}
}

// joinTar writes entries back as a canonical tar with the given mtime.
func joinTar(t testing.TB, entries []tarEntry, mtime int64) []byte {
	t.Helper()
	var buf bytes.Buffer
	tw := &ustarWriter{w: &buf}
	for _, e := range entries {
		if err := writeEntry(tw, e.name, e.data, mtime); err != nil {
			t.Fatal(err)
		}
	}
	if err := tw.close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func mustRecipients(id *age.X25519Identity) *export.Recipients {
	rs, err := export.ParseRecipients([]string{id.Recipient().String()})
	if err != nil {
		panic(err)
	}
	return rs
}
