package export

import (
	"bytes"
	"crypto/ed25519"
	"errors"
	"strings"
	"testing"

	"github.com/paspor/paspor/crypto"
)

func TestParseKnownHolders(t *testing.T) {
	k1 := crypto.SSHPublicKeyLine(holderKey(1).Public().(ed25519.PublicKey), "")
	k2 := crypto.SSHPublicKeyLine(holderKey(2).Public().(ed25519.PublicKey), "")
	good := "# partners' pins\n\nada " + k1 + "\r\nbob@example.org " + k2 + "\nada-2 " + k1 + "\n"
	kh, err := ParseKnownHolders(strings.NewReader(good))
	if err != nil {
		t.Fatal(err)
	}
	if pub, ok := kh.Lookup("bob@example.org"); !ok || !bytes.Equal(pub, holderKey(2).Public().(ed25519.PublicKey)) {
		t.Fatal("bob not found")
	}
	if _, ok := kh.Lookup("ADA"); ok {
		t.Fatal("names are case-sensitive")
	}
	if got := kh.NameOf(holderKey(1).Public().(ed25519.PublicKey)); strings.Join(got, ",") != "ada,ada-2" {
		t.Fatalf("NameOf = %v", got)
	}
	bad := []struct {
		name, in string
		line     int
	}{
		{"duplicate name", "ada " + k1 + "\nada " + k2 + "\n", 2},
		{"comment after key", "ada " + k1 + " laptop\n", 1},
		{"two spaces", "ada  " + k1 + "\n", 1},
		{"no key", "ada\n", 1},
		{"bad name", "-ada " + k1 + "\n", 1},
		{"name with control", "a\x1bda " + k1 + "\n", 1},
		{"rsa key", "ada ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQ\n", 1},
		{"leading space", " ada " + k1 + "\n", 1},
	}
	for _, c := range bad {
		_, err := ParseKnownHolders(strings.NewReader(c.in))
		var khe *KnownHoldersError
		if !errors.As(err, &khe) || khe.Line != c.line {
			t.Errorf("%s: err = %v, want a KnownHoldersError at line %d", c.name, err, c.line)
		}
	}
	line, err := KnownHolderLine("ada", holderKey(1).Public().(ed25519.PublicKey))
	if err != nil || line != "ada "+k1+"\n" {
		t.Fatalf("KnownHolderLine = %q, %v", line, err)
	}
	if _, err := KnownHolderLine("a b", holderKey(1).Public().(ed25519.PublicKey)); !errors.Is(err, ErrHolderName) {
		t.Fatalf("KnownHolderLine with a space: %v", err)
	}
}

// FuzzParseKnownHolders: a file either fails with a line number or parses, and what parsed
// writes back (KnownHolderLine) to a file that parses to the same pins.
func FuzzParseKnownHolders(f *testing.F) {
	f.Add([]byte("ada " + crypto.SSHPublicKeyLine(holderKey(1).Public().(ed25519.PublicKey), "") + "\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		kh, err := ParseKnownHolders(bytes.NewReader(data))
		if err != nil {
			return
		}
		var out strings.Builder
		for name, pub := range kh.keys {
			line, err := KnownHolderLine(name, pub)
			if err != nil {
				t.Fatalf("parsed name %q does not write back: %v", name, err)
			}
			out.WriteString(line)
		}
		again, err := ParseKnownHolders(strings.NewReader(out.String()))
		if err != nil || len(again.keys) != len(kh.keys) {
			t.Fatalf("rewritten file does not parse the same: %v", err)
		}
	})
}
