package request

import (
	"bytes"
	"crypto/ed25519"
	"encoding/pem"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"filippo.io/age"
	"filippo.io/age/agessh"
	"golang.org/x/crypto/ssh"

	"github.com/paspor/paspor/internal/testenv"
)

var (
	testBundleID = strings.Repeat("cd", 16)
	testFileHash = strings.Repeat("ab", 32)
)

func testFeedback() *Feedback {
	return &Feedback{
		Format: FeedbackFormat, FeedbackID: strings.Repeat("12", 16), BundleID: testBundleID,
		RequestID: strings.Repeat("34", 16), CreatedAt: testNow, Partner: "Example Bank",
		SigningKey: keyLine(testKey(1)), Holder: keyLine(testKey(2)),
		Items: []FeedbackItem{
			{Source: SourceData, DocumentID: "pp", Type: "passport", Field: "document_no", DataHash: FieldHash("X1"), Message: "does not match the scan"},
			{Source: SourceSelfie, DocumentID: "pp", Type: "passport", FileHash: testFileHash, Message: "blurred"},
			{Source: SourceFiles, DocumentID: "bill", Type: "utility_bill", FileHashes: []string{testFileHash, strings.Repeat("ef", 32)}, Message: "pages missing"},
			{Source: SourceUnspecified, DocumentID: "pd", Type: "personal_details", Message: "please check"},
		},
	}
}

func holderIdentity(t testing.TB, k ed25519.PrivateKey) age.Identity {
	t.Helper()
	id, err := agessh.NewEd25519Identity(k)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func sealTestFeedback(t testing.TB, fb *Feedback, key ed25519.PrivateKey) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := SealFeedback(&buf, fb, key); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func holderOpts(t testing.TB) FeedbackOptions {
	return FeedbackOptions{Identities: []age.Identity{holderIdentity(t, testKey(2))}, Holder: pubOf(testKey(2)),
		Partner: pubOf(testKey(1)), BundleID: testBundleID}
}

func TestFeedbackRoundTrip(t *testing.T) {
	file := sealTestFeedback(t, testFeedback(), testKey(1))
	got, err := OpenFeedback(bytes.NewReader(file), holderOpts(t))
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Items) != 4 || got.Items[0].DataHash != FieldHash("X1") || got.BundleID != testBundleID {
		t.Fatalf("%+v", got)
	}
}

func TestOpenFeedbackRejects(t *testing.T) {
	good := sealTestFeedback(t, testFeedback(), testKey(1))
	stranger := testFeedback()
	stranger.SigningKey = keyLine(testKey(3))
	otherHolder := testFeedback()
	otherHolder.Holder = keyLine(testKey(4))
	otherBundle := testFeedback()
	otherBundle.BundleID = strings.Repeat("ee", 16)

	// A feedback line with a forged signing key: signed by the stranger, naming the partner.
	line, err := encodeCanonical(testFeedback())
	if err != nil {
		t.Fatal(err)
	}
	forged := encryptTo(t, sealLine(t, string(line), testKey(3), FeedbackNamespace), testKey(2))

	cases := []struct {
		name   string
		file   []byte
		opts   func(*FeedbackOptions)
		reason string
	}{
		{"not age", []byte("hello"), nil, ReasonDecrypt},
		{"for another holder's key", sealTestFeedback(t, otherHolder, testKey(1)), func(o *FeedbackOptions) {
			o.Identities = append(o.Identities, holderIdentity(t, testKey(4)))
		}, ReasonHolder},
		{"encrypted to someone else", sealTestFeedback(t, otherHolder, testKey(1)), nil, ReasonDecrypt},
		{"from a stranger", sealTestFeedback(t, stranger, testKey(3)), nil, ReasonSigner},
		{"forged signing key", forged, nil, ReasonSignature},
		{"about another bundle", sealTestFeedback(t, otherBundle, testKey(1)), nil, ReasonBundle},
		{"tampered ciphertext", flipLast(good), nil, ReasonDecrypt},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			opts := holderOpts(t)
			if c.opts != nil {
				c.opts(&opts)
			}
			fb, err := OpenFeedback(bytes.NewReader(c.file), opts)
			if fb != nil {
				t.Fatal("rejected feedback returned")
			}
			wantReason(t, err, c.reason)
		})
	}
	// Fail closed: no partner key is an error, not "any partner".
	opts := holderOpts(t)
	opts.Partner = nil
	if _, err := OpenFeedback(bytes.NewReader(good), opts); err == nil {
		t.Fatal("OpenFeedback without a partner key succeeded")
	}
}

func flipLast(b []byte) []byte {
	c := append([]byte(nil), b...)
	c[len(c)-1] ^= 1
	return c
}

func encryptTo(t testing.TB, plain []byte, holder ed25519.PrivateKey) []byte {
	t.Helper()
	r, err := agessh.ParseRecipient(keyLine(holder))
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	w, err := age.Encrypt(&buf, r)
	if err != nil {
		t.Fatal(err)
	}
	w.Write(plain)
	w.Close()
	return buf.Bytes()
}

func TestFeedbackItemRules(t *testing.T) {
	h := testFileHash
	cases := []struct {
		name string
		item FeedbackItem
		ok   bool
	}{
		{"data", FeedbackItem{Source: SourceData, DocumentID: "d", Type: "passport", Field: "document_no", DataHash: h, Message: "m"}, true},
		{"data, unknown field", FeedbackItem{Source: SourceData, DocumentID: "d", Type: "passport", Field: "first_name", DataHash: h, Message: "m"}, false},
		{"data without hash", FeedbackItem{Source: SourceData, DocumentID: "d", Type: "passport", Field: "document_no", Message: "m"}, false},
		{"data with file hash", FeedbackItem{Source: SourceData, DocumentID: "d", Type: "passport", Field: "document_no", DataHash: h, FileHash: h, Message: "m"}, false},
		{"front_side", FeedbackItem{Source: SourceFrontSide, DocumentID: "d", Type: "passport", FileHash: h, Message: "m"}, true},
		{"reverse_side of a passport", FeedbackItem{Source: SourceReverseSide, DocumentID: "d", Type: "passport", FileHash: h, Message: "m"}, false},
		{"reverse_side", FeedbackItem{Source: SourceReverseSide, DocumentID: "d", Type: "identity_card", FileHash: h, Message: "m"}, true},
		{"file", FeedbackItem{Source: SourceFile, DocumentID: "d", Type: "utility_bill", FileHash: h, Message: "m"}, true},
		{"file with hashes", FeedbackItem{Source: SourceFile, DocumentID: "d", Type: "utility_bill", FileHashes: []string{h}, Message: "m"}, false},
		{"files", FeedbackItem{Source: SourceFiles, DocumentID: "d", Type: "utility_bill", FileHashes: []string{h}, Message: "m"}, true},
		{"files, duplicate", FeedbackItem{Source: SourceFiles, DocumentID: "d", Type: "utility_bill", FileHashes: []string{h, h}, Message: "m"}, false},
		{"files, empty", FeedbackItem{Source: SourceFiles, DocumentID: "d", Type: "utility_bill", FileHashes: []string{}, Message: "m"}, false},
		{"translation_file", FeedbackItem{Source: SourceTranslationFile, DocumentID: "d", Type: "passport", FileHash: h, Message: "m"}, true},
		{"translation_files", FeedbackItem{Source: SourceTranslationFiles, DocumentID: "d", Type: "bank_statement", FileHashes: []string{h}, Message: "m"}, true},
		{"translation of email", FeedbackItem{Source: SourceTranslationFile, DocumentID: "d", Type: "email", FileHash: h, Message: "m"}, false},
		{"upper-case hash", FeedbackItem{Source: SourceSelfie, DocumentID: "d", Type: "passport", FileHash: strings.ToUpper(h), Message: "m"}, false},
		{"unspecified", FeedbackItem{Source: SourceUnspecified, DocumentID: "d", Type: "email", Message: "m"}, true},
		{"unspecified with field", FeedbackItem{Source: SourceUnspecified, DocumentID: "d", Type: "email", Field: "email", Message: "m"}, false},
		{"unknown source", FeedbackItem{Source: "back", DocumentID: "d", Type: "passport", FileHash: h, Message: "m"}, false},
		{"bad document ID", FeedbackItem{Source: SourceUnspecified, DocumentID: "../d", Type: "email", Message: "m"}, false},
		{"control in message", FeedbackItem{Source: SourceUnspecified, DocumentID: "d", Type: "email", Message: "a\x1b[2Jb"}, false},
		{"empty message", FeedbackItem{Source: SourceUnspecified, DocumentID: "d", Type: "email"}, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			fb := testFeedback()
			fb.Items = []FeedbackItem{c.item}
			var buf bytes.Buffer
			err := SealFeedback(&buf, fb, testKey(1))
			if c.ok != (err == nil) {
				t.Fatalf("err = %v, want ok=%v", err, c.ok)
			}
			if err != nil {
				wantReason(t, err, ReasonInvalid)
				if buf.Len() != 0 {
					t.Fatal("rejected feedback wrote output")
				}
			}
		})
	}
	fb := testFeedback()
	fb.Items = make([]FeedbackItem, MaxFeedbackItems+1)
	for i := range fb.Items {
		fb.Items[i] = testFeedback().Items[3]
	}
	wantReason(t, SealFeedback(&bytes.Buffer{}, fb, testKey(1)), ReasonTooLarge)
}

// TestFeedbackStockTools: the holder can check feedback with age and ssh-keygen alone.
func TestFeedbackStockTools(t *testing.T) {
	ageBin := testenv.RequireProgram(t, "age", "apt-get install age")
	sshKeygen := testenv.RequireProgram(t, "ssh-keygen", "apt-get install openssh-client")
	dir := t.TempDir()
	block, err := ssh.MarshalPrivateKey(testKey(2), "")
	if err != nil {
		t.Fatal(err)
	}
	keyPath := filepath.Join(dir, "holder")
	writeFile(t, keyPath, string(pem.EncodeToMemory(block)))
	fbPath := filepath.Join(dir, "fb.paspor")
	writeFile(t, fbPath, string(sealTestFeedback(t, testFeedback(), testKey(1))))
	plain, err := exec.Command(ageBin, "-d", "-i", keyPath, fbPath).Output()
	if err != nil {
		t.Fatalf("age -d: %v", err)
	}
	i := bytes.IndexByte(plain, '\n')
	writeFile(t, filepath.Join(dir, "fb.sig"), string(plain[i+1:]))
	writeFile(t, filepath.Join(dir, "allowed"), "bank "+keyLine(testKey(1))+"\n")
	cmd := exec.Command(sshKeygen, "-Y", "verify", "-f", filepath.Join(dir, "allowed"), "-I", "bank",
		"-n", FeedbackNamespace, "-s", filepath.Join(dir, "fb.sig"))
	cmd.Stdin = bytes.NewReader(plain[:i+1])
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("ssh-keygen -Y verify: %v: %s", err, out)
	}
}
