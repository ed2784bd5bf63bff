package request

import (
	"crypto/ed25519"
	"errors"
	"testing"
	"time"

	"github.com/paspor/paspor/crypto"
)

// testNow is the fixed clock of these tests.
var testNow = time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)

// testKey returns a deterministic Ed25519 key; seeds name the party (1 partner, 2 holder,
// 3 stranger).
func testKey(seed byte) ed25519.PrivateKey {
	s := make([]byte, ed25519.SeedSize)
	for i := range s {
		s[i] = seed
	}
	return ed25519.NewKeyFromSeed(s)
}

func pubOf(k ed25519.PrivateKey) ed25519.PublicKey { return k.Public().(ed25519.PublicKey) }

// testRecipient is a fixed X25519 recipient.
const testRecipient = "age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p"

func testScope() Scope {
	return Scope{Elements: []Element{
		{Type: "personal_details"},
		{OneOf: []string{"passport", "identity_card"}, Selfie: true},
		{OneOf: []string{"utility_bill", "bank_statement"}, MaxAge: 90, Optional: true},
	}}
}

func newTestRequest(t testing.TB) *Request {
	t.Helper()
	r, err := New(NewOptions{
		Partner:    "Example Bank",
		Purpose:    "account opening",
		Recipients: []string{testRecipient},
		SigningKey: pubOf(testKey(1)),
		Scope:      testScope(),
		Now:        testNow,
	})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func signedTestRequest(t testing.TB) (*Request, []byte) {
	t.Helper()
	r := newTestRequest(t)
	file, err := Sign(r, testKey(1))
	if err != nil {
		t.Fatal(err)
	}
	return r, file
}

// sealLine signs an arbitrary JSON line as a request or feedback file would be.
func sealLine(t testing.TB, line string, key ed25519.PrivateKey, namespace string) []byte {
	t.Helper()
	file, err := seal([]byte(line), key, namespace)
	if err != nil {
		t.Fatal(err)
	}
	return file
}

func keyLine(k ed25519.PrivateKey) string { return crypto.SSHPublicKeyLine(pubOf(k), "") }

// wantReason fails unless err is a *RejectedError with reason.
func wantReason(t testing.TB, err error, reason string) {
	t.Helper()
	var re *RejectedError
	if !errors.As(err, &re) {
		t.Fatalf("err = %v, want a RejectedError (%s)", err, reason)
	}
	if re.Reason != reason {
		t.Fatalf("reason = %s (%v), want %s", re.Reason, err, reason)
	}
}
