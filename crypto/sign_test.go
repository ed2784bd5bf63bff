package crypto

import (
	"bytes"
	"crypto/ed25519"
	"encoding/pem"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/crypto/ssh"

	"github.com/paspor/paspor/internal/testenv"
)

func testSigningKey(seed byte) ed25519.PrivateKey {
	return ed25519.NewKeyFromSeed(bytes.Repeat([]byte{seed}, ed25519.SeedSize))
}

func TestSignVerifyRoundTrip(t *testing.T) {
	priv := testSigningKey(1)
	msg := []byte("abc  manifest.json\n")
	sig, err := SignSSHSIG(priv, "paspor-bundle", bytes.NewReader(msg))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(sig, []byte("-----BEGIN SSH SIGNATURE-----\n")) {
		t.Fatalf("not armored: %q", sig)
	}
	pub, err := VerifySSHSIG(sig, "paspor-bundle", bytes.NewReader(msg))
	if err != nil {
		t.Fatal(err)
	}
	if !pub.Equal(priv.Public()) {
		t.Fatal("VerifySSHSIG returned another key")
	}
}

func TestVerifySSHSIGRejects(t *testing.T) {
	priv := testSigningKey(1)
	msg := []byte("content\n")
	sig, err := SignSSHSIG(priv, "paspor-bundle", bytes.NewReader(msg))
	if err != nil {
		t.Fatal(err)
	}
	other, err := SignSSHSIG(testSigningKey(2), "paspor-bundle", bytes.NewReader([]byte("other\n")))
	if err != nil {
		t.Fatal(err)
	}
	// Flip one bit of the raw Ed25519 signature (the blob's last bytes) and re-armor, so the
	// armor stays valid and only the cryptographic check can catch it.
	block, _ := pem.Decode(sig)
	blob := bytes.Clone(block.Bytes)
	block.Bytes[len(block.Bytes)-5] ^= 0x01
	flipped := armorSSHSIG(block.Bytes)
	crlf := bytes.ReplaceAll(sig, []byte("\n"), []byte("\r\n"))
	cases := map[string]struct {
		sig, msg  []byte
		namespace string
	}{
		"wrong namespace":  {sig, msg, "git"},
		"empty namespace":  {sig, msg, ""},
		"other message":    {sig, []byte("content2\n"), "paspor-bundle"},
		"other key's sig":  {other, msg, "paspor-bundle"},
		"flipped byte":     {flipped, msg, "paspor-bundle"},
		"not armored":      {[]byte("hello"), msg, "paspor-bundle"},
		"leading junk":     {append([]byte("junk\n"), sig...), msg, "paspor-bundle"},
		"trailing block":   {append(bytes.Clone(sig), sig...), msg, "paspor-bundle"},
		"oversized":        {bytes.Repeat([]byte("A"), 20<<10), msg, "paspor-bundle"},
		"truncated armour": {sig[:len(sig)/2], msg, "paspor-bundle"},
		"64-column lines":  {pem.EncodeToMemory(&pem.Block{Type: "SSH SIGNATURE", Bytes: blob}), msg, "paspor-bundle"},
		"CRLF line ends":   {crlf, msg, "paspor-bundle"},
		"trailing text":    {append(bytes.Clone(sig), "hello\n"...), msg, "paspor-bundle"},
		"trailing newline": {append(bytes.Clone(sig), '\n'), msg, "paspor-bundle"},
		"no final newline": {sig[:len(sig)-1], msg, "paspor-bundle"},
		"PEM header":       {pem.EncodeToMemory(&pem.Block{Type: "SSH SIGNATURE", Headers: map[string]string{"a": "b"}, Bytes: blob}), msg, "paspor-bundle"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := VerifySSHSIG(c.sig, c.namespace, bytes.NewReader(c.msg))
			if !errors.Is(err, ErrBadSignature) {
				t.Fatalf("got %v, want ErrBadSignature", err)
			}
		})
	}
}

func TestSSHPublicKeyLineAndParse(t *testing.T) {
	pub := testSigningKey(3).Public().(ed25519.PublicKey)
	line := SSHPublicKeyLine(pub, "paspor")
	if !strings.HasPrefix(line, "ssh-ed25519 AAAA") || !strings.HasSuffix(line, " paspor") {
		t.Fatalf("unexpected line %q", line)
	}
	if bare := SSHPublicKeyLine(pub, ""); strings.Count(bare, " ") != 1 {
		t.Fatalf("bare line has a comment: %q", bare)
	}
	file := "# holder key\n\n" + line + "\nssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOther\n"
	for _, text := range []string{line, line + "\n", file} {
		got, err := ParseHolderKey(text)
		if err != nil || !got.Equal(pub) {
			t.Fatalf("ParseHolderKey(%q) = %v, %v", text, got, err)
		}
	}
	for _, bad := range []string{"", "# only a comment\n", "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQ", "age1xyz", "ssh-ed25519 !!!"} {
		if _, err := ParseHolderKey(bad); err == nil {
			t.Errorf("ParseHolderKey(%q) succeeded", bad)
		}
	}
}

// TestFingerprintMatchesSSHKeygen is a stock-tool oracle: ssh-keygen -l prints the same fingerprint.
func TestFingerprintMatchesSSHKeygen(t *testing.T) {
	keygen := testenv.RequireProgram(t, "ssh-keygen", "apt-get install openssh-client")
	pub := testSigningKey(4).Public().(ed25519.PublicKey)
	path := filepath.Join(t.TempDir(), "holder.pub")
	if err := os.WriteFile(path, []byte(SSHPublicKeyLine(pub, "paspor")+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(keygen, "-l", "-f", path).CombinedOutput()
	if err != nil {
		t.Fatalf("ssh-keygen -l: %v\n%s", err, out)
	}
	fields := strings.Fields(string(out))
	if len(fields) < 2 || fields[1] != Fingerprint(pub) {
		t.Fatalf("ssh-keygen says %q, Fingerprint says %q", out, Fingerprint(pub))
	}
}

// TestSignatureAcceptedBySSHKeygen is a stock-tool oracle for SignSSHSIG.
func TestSignatureAcceptedBySSHKeygen(t *testing.T) {
	keygen := testenv.RequireProgram(t, "ssh-keygen", "apt-get install openssh-client")
	priv := testSigningKey(5)
	dir := t.TempDir()
	msg := []byte("0123  manifest.json\n")
	sig, err := SignSSHSIG(priv, "paspor-bundle", bytes.NewReader(msg))
	if err != nil {
		t.Fatal(err)
	}
	line := SSHPublicKeyLine(priv.Public().(ed25519.PublicKey), "")
	allowed := filepath.Join(dir, "allowed_signers")
	sigPath := filepath.Join(dir, "msg.sig")
	if err := os.WriteFile(allowed, []byte(`holder namespaces="paspor-bundle" `+line+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(sigPath, sig, 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(keygen, "-Y", "verify", "-f", allowed, "-I", "holder", "-n", "paspor-bundle", "-s", sigPath)
	cmd.Stdin = bytes.NewReader(msg)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("ssh-keygen -Y verify rejected the signature: %v\n%s", err, out)
	}
	// And the other way round: a signature made by ssh-keygen verifies here.
	keyPath := filepath.Join(dir, "id")
	if out, err := exec.Command(keygen, "-q", "-t", "ed25519", "-N", "", "-f", keyPath).CombinedOutput(); err != nil {
		t.Fatalf("ssh-keygen: %v\n%s", err, out)
	}
	cmd = exec.Command(keygen, "-Y", "sign", "-f", keyPath, "-n", "paspor-bundle")
	cmd.Stdin = bytes.NewReader(msg)
	stockSig, err := cmd.Output()
	if err != nil {
		t.Fatalf("ssh-keygen -Y sign: %v", err)
	}
	pubText, _ := os.ReadFile(keyPath + ".pub")
	want, err := ParseHolderKey(string(pubText))
	if err != nil {
		t.Fatal(err)
	}
	got, err := VerifySSHSIG(stockSig, "paspor-bundle", bytes.NewReader(msg))
	if err != nil || !got.Equal(want) {
		t.Fatalf("VerifySSHSIG(ssh-keygen's signature) = %v, %v", got, err)
	}
}

func FuzzVerifySSHSIG(f *testing.F) {
	priv := testSigningKey(6)
	sig, err := SignSSHSIG(priv, "paspor-bundle", bytes.NewReader([]byte("m\n")))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(sig, []byte("m\n"))
	f.Fuzz(func(t *testing.T, armored, msg []byte) {
		pub, err := VerifySSHSIG(armored, "paspor-bundle", bytes.NewReader(msg))
		if err == nil && len(pub) != ed25519.PublicKeySize {
			t.Fatalf("accepted with a %d-byte key", len(pub))
		}
		if err != nil && !errors.Is(err, ErrBadSignature) {
			t.Fatalf("error is not ErrBadSignature: %v", err)
		}
	})
}

// TestArmorMatchesSSHKeygen: Ed25519 signatures are deterministic, so ssh-keygen -Y sign with
// the same key over the same message must write byte for byte what SignSSHSIG writes.
func TestArmorMatchesSSHKeygen(t *testing.T) {
	keygen := testenv.RequireProgram(t, "ssh-keygen", "apt-get install openssh-client")
	priv := testSigningKey(7)
	dir := t.TempDir()
	pemKey, err := ssh.MarshalPrivateKey(priv, "")
	if err != nil {
		t.Fatal(err)
	}
	keyPath := filepath.Join(dir, "id")
	if err := os.WriteFile(keyPath, pem.EncodeToMemory(pemKey), 0o600); err != nil {
		t.Fatal(err)
	}
	msg := []byte("0123  manifest.json\n")
	cmd := exec.Command(keygen, "-Y", "sign", "-f", keyPath, "-n", "paspor-bundle")
	cmd.Stdin = bytes.NewReader(msg)
	stock, err := cmd.Output()
	if err != nil {
		t.Fatalf("ssh-keygen -Y sign: %v", err)
	}
	ours, err := SignSSHSIG(priv, "paspor-bundle", bytes.NewReader(msg))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(stock, ours) {
		t.Fatalf("armor differs:\nssh-keygen:\n%s\npaspor:\n%s", stock, ours)
	}
}
