package request

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/paspor/paspor/crypto"
	"github.com/paspor/paspor/internal/testenv"
)

// The signing key file is what ssh-keygen writes and reads: ssh-keygen -y derives the same
// public key, and a key ssh-keygen made parses; encrypted and non-Ed25519 keys are refused.
func TestSigningKeyFileWithSSHKeygen(t *testing.T) {
	sshKeygen := testenv.RequireProgram(t, "ssh-keygen", "apt-get install openssh-client")
	priv, file, err := GenerateSigningKey("Example Bank")
	if err != nil {
		t.Fatal(err)
	}
	back, err := ParseSigningKeyFile(file)
	if err != nil || !back.Equal(priv) {
		t.Fatalf("round trip: %v", err)
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "signing_key")
	if err := os.WriteFile(path, file, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(sshKeygen, "-y", "-f", path).Output()
	if err != nil {
		t.Fatalf("ssh-keygen -y: %v", err)
	}
	want := crypto.SSHPublicKeyLine(pubOf(priv), "")
	if got := strings.Join(strings.Fields(string(out))[:2], " "); got != want {
		t.Fatalf("ssh-keygen derived %q, want %q", got, want)
	}
	for _, tc := range []struct {
		name string
		args []string
		ok   bool
	}{
		{"ssh-keygen ed25519", []string{"-t", "ed25519", "-N", ""}, true},
		{"passphrase-protected", []string{"-t", "ed25519", "-N", "pw-1234"}, false},
		{"ecdsa", []string{"-t", "ecdsa", "-N", ""}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := filepath.Join(t.TempDir(), "k")
			args := append([]string{"-q", "-f", p}, tc.args...)
			if err := exec.Command(sshKeygen, args...).Run(); err != nil {
				t.Fatal(err)
			}
			data, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := ParseSigningKeyFile(data); (err == nil) != tc.ok {
				t.Fatalf("err = %v", err)
			}
		})
	}
	if _, err := ParseSigningKeyFile([]byte("not a key")); err == nil {
		t.Fatal("accepted garbage")
	}
}
