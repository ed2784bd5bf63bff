package crypto

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/rsa"
	"encoding/pem"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"filippo.io/age"
	"golang.org/x/crypto/ssh"

	"github.com/paspor/paspor/internal/testenv"
)

func sshLine(t testing.TB, key any) string {
	t.Helper()
	pub, err := ssh.NewPublicKey(key)
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(string(ssh.MarshalAuthorizedKey(pub)))
}

func TestParseRecipient(t *testing.T) {
	x, _ := age.GenerateX25519Identity()
	pq, _ := age.GenerateHybridIdentity()
	edLine := sshLine(t, testSigningKey(7).Public())
	rsaKey, _ := rsa.GenerateKey(rand.Reader, 2048)
	smallRSA, _ := rsa.GenerateKey(rand.Reader, 1024)
	rsaLine := sshLine(t, &rsaKey.PublicKey)
	cases := []struct {
		in        string
		kind      RecipientKind
		canonical string
		ok        bool
	}{
		{x.Recipient().String(), RecipientClassic, x.Recipient().String(), true},
		{pq.Recipient().String(), RecipientPostQuantum, pq.Recipient().String(), true},
		{edLine + " someone@example", RecipientClassic, edLine, true},
		{"  " + edLine + "\n", RecipientClassic, edLine, true},
		{rsaLine, RecipientClassic, rsaLine, true},
		{sshLine(t, &smallRSA.PublicKey), 0, "", false},
		{"age1qqqq", 0, "", false},
		{"age1pq1qqqq", 0, "", false},
		{x.String(), 0, "", false},
		{"ecdsa-sha2-nistp256 AAAA", 0, "", false},
		{"ssh-ed25519 AAAAnotbase64!", 0, "", false},
		{"", 0, "", false},
	}
	for _, c := range cases {
		r, kind, canonical, err := ParseRecipient(c.in)
		if (err == nil) != c.ok {
			t.Errorf("ParseRecipient(%.40q): err = %v, want ok=%v", c.in, err, c.ok)
			continue
		}
		if c.ok && (r == nil || kind != c.kind || canonical != c.canonical) {
			t.Errorf("ParseRecipient(%.40q) = %v, %q; want %v, %q", c.in, kind, canonical, c.kind, c.canonical)
		}
		if !c.ok && strings.Contains(c.in, "AGE-SECRET") && strings.Contains(err.Error(), c.in) {
			t.Errorf("error echoes the secret key")
		}
	}
}

func TestParseRecipientsFile(t *testing.T) {
	x, _ := age.GenerateX25519Identity()
	edLine := sshLine(t, testSigningKey(8).Public())
	good := "# partners\n\n" + x.Recipient().String() + "\n" + edLine + " comment\n"
	got, err := ParseRecipientsFile(strings.NewReader(good))
	if err != nil || len(got) != 2 || got[0] != x.Recipient().String() || got[1] != edLine {
		t.Fatalf("ParseRecipientsFile = %q, %v", got, err)
	}
	secret := x.String()
	for name, text := range map[string]string{
		"identity":  "# x\n" + secret + "\n",
		"malformed": "age1recipient\nconfidential words here\n",
		"empty":     "# nothing\n\n",
		"too long":  strings.Repeat("#", maxRecipientsFile+10),
	} {
		_, err := ParseRecipientsFile(strings.NewReader(text))
		if err == nil {
			t.Errorf("%s: accepted", name)
			continue
		}
		if strings.Contains(err.Error(), "confidential") || strings.Contains(err.Error(), secret) {
			t.Errorf("%s: error echoes the file: %v", name, err)
		}
	}
	_, err = ParseRecipientsFile(strings.NewReader("# c\n" + x.Recipient().String() + "\nbogus\n"))
	if err == nil || !strings.Contains(err.Error(), "line 3") {
		t.Errorf("error does not name line 3: %v", err)
	}
}

func TestCheckRecipientMix(t *testing.T) {
	if err := CheckRecipientMix([]RecipientKind{RecipientClassic, RecipientClassic}); err != nil {
		t.Error(err)
	}
	if err := CheckRecipientMix([]RecipientKind{RecipientPostQuantum, RecipientPostQuantum}); err != nil {
		t.Error(err)
	}
	if err := CheckRecipientMix([]RecipientKind{RecipientPostQuantum, RecipientClassic}); !errors.Is(err, ErrMixedRecipients) {
		t.Errorf("mixed kinds: %v", err)
	}
}

// roundTrip encrypts to recipient and decrypts with the identities, proving they pair up.
func roundTrip(t *testing.T, recipient string, ids []PartnerIdentity) {
	t.Helper()
	r, _, canonical, err := ParseRecipient(recipient)
	if err != nil {
		t.Fatal(err)
	}
	if ids[0].Recipient != canonical {
		t.Fatalf("identity's recipient %q, want %q", ids[0].Recipient, canonical)
	}
	var buf bytes.Buffer
	w, err := age.Encrypt(&buf, r)
	if err != nil {
		t.Fatal(err)
	}
	io.WriteString(w, "hello")
	w.Close()
	plain, err := age.Decrypt(&buf, ids[0].Identity)
	if err != nil {
		t.Fatal(err)
	}
	if b, _ := io.ReadAll(plain); string(b) != "hello" {
		t.Fatalf("decrypted %q", b)
	}
}

func TestGeneratePartnerIdentity(t *testing.T) {
	for _, pq := range []bool{true, false} {
		content, recipient, err := GeneratePartnerIdentity(pq)
		if err != nil {
			t.Fatal(err)
		}
		if pq != strings.HasPrefix(recipient, "age1pq1") {
			t.Fatalf("pq=%v gave %.20s", pq, recipient)
		}
		if !bytes.Contains(content, []byte("# created: ")) || !bytes.Contains(content, []byte("# public key: "+recipient+"\n")) {
			t.Fatalf("missing age-keygen comments")
		}
		ids, err := ParseIdentityFile(content)
		if err != nil || len(ids) != 1 {
			t.Fatalf("ParseIdentityFile: %v", err)
		}
		got, err := RecipientOfIdentityFile(content)
		if err != nil || len(got) != 1 || got[0] != recipient {
			t.Fatalf("RecipientOfIdentityFile = %q, %v", got, err)
		}
		roundTrip(t, recipient, ids)
	}
}

// TestIdentityFileFromAgeKeygen is a stock-tool oracle: Debian's age-keygen writes files we read.
func TestIdentityFileFromAgeKeygen(t *testing.T) {
	keygen := testenv.RequireProgram(t, "age-keygen", "apt-get install age")
	out, err := exec.Command(keygen).Output()
	if err != nil {
		t.Fatal(err)
	}
	ids, err := ParseIdentityFile(out)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(keygen, "-y")
	cmd.Stdin = bytes.NewReader(out)
	pub, err := cmd.Output()
	if err != nil {
		t.Fatal(err)
	}
	roundTrip(t, strings.TrimSpace(string(pub)), ids)
}

// TestIdentityFileFromSSHKeygen: an unencrypted ssh-keygen ed25519 key is an identity, an
// encrypted one is refused clearly.
func TestIdentityFileFromSSHKeygen(t *testing.T) {
	keygen := testenv.RequireProgram(t, "ssh-keygen", "apt-get install openssh-client")
	dir := t.TempDir()
	plainKey, encKey := filepath.Join(dir, "plain"), filepath.Join(dir, "enc")
	for _, args := range [][]string{
		{"-q", "-t", "ed25519", "-N", "", "-f", plainKey},
		{"-q", "-t", "ed25519", "-N", "secret-pass", "-f", encKey},
	} {
		if out, err := exec.Command(keygen, args...).CombinedOutput(); err != nil {
			t.Fatalf("ssh-keygen: %v\n%s", err, out)
		}
	}
	data, _ := os.ReadFile(plainKey)
	ids, err := ParseIdentityFile(data)
	if err != nil {
		t.Fatal(err)
	}
	pub, _ := os.ReadFile(plainKey + ".pub")
	roundTrip(t, strings.TrimSpace(string(pub)), ids)

	enc, _ := os.ReadFile(encKey)
	if _, err := ParseIdentityFile(enc); err == nil || !strings.Contains(err.Error(), "passphrase") {
		t.Fatalf("encrypted key: %v", err)
	}
}

func TestParseIdentityFileRejects(t *testing.T) {
	x, _ := age.GenerateX25519Identity()
	for name, data := range map[string]string{
		"empty":        "",
		"comment only": "# created: now\n",
		"recipient":    x.Recipient().String() + "\n",
		"garbage":      "AGE-SECRET-KEY-1NOTREALLYAKEY\n",
		"bad pem":      "-----BEGIN OPENSSH PRIVATE KEY-----\nAAAA\n-----END OPENSSH PRIVATE KEY-----\n",
		"encrypted":    "age-encryption.org/v1\n-> scrypt xx 18\n",
	} {
		_, err := ParseIdentityFile([]byte(data))
		if err == nil {
			t.Errorf("%s: accepted", name)
		} else if data != "" && strings.Contains(err.Error(), strings.TrimSpace(data)) {
			t.Errorf("%s: error echoes content", name)
		}
	}
	ed := testSigningKey(9)
	block, err := ssh.MarshalPrivateKey(ed, "")
	if err != nil {
		t.Fatal(err)
	}
	ids, err := ParseIdentityFile(pem.EncodeToMemory(block))
	if err != nil || ids[0].Recipient != sshLine(t, ed.Public().(ed25519.PublicKey)) {
		t.Fatalf("OpenSSH ed25519 key: %v", err)
	}
}

func FuzzParseRecipient(f *testing.F) {
	f.Add("age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p")
	f.Add("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHsKLqeplhpW+uObz5dvMgjz1OxfM/XXUB+VHtZ6isGN")
	f.Add("age1pq1")
	f.Fuzz(func(t *testing.T, s string) {
		r, kind, canonical, err := ParseRecipient(s)
		if err != nil {
			return
		}
		if r == nil || canonical == "" {
			t.Fatal("accepted without a recipient")
		}
		// The canonical string must parse back to itself: it is what an audience compares.
		_, kind2, canonical2, err := ParseRecipient(canonical)
		if err != nil || kind2 != kind || canonical2 != canonical {
			t.Fatalf("canonical %q is not stable: %q, %v", canonical, canonical2, err)
		}
	})
}

func FuzzParseIdentityFile(f *testing.F) {
	f.Add([]byte("# created: x\nAGE-SECRET-KEY-1GFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPQ4EGAEX\n"))
	f.Add([]byte("-----BEGIN OPENSSH PRIVATE KEY-----\nAAAA\n-----END OPENSSH PRIVATE KEY-----\n"))
	f.Add([]byte("AGE-SECRET-KEY-PQ-1\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		ids, err := ParseIdentityFile(data)
		if err == nil && len(ids) == 0 {
			t.Fatal("no error and no identities")
		}
		for _, id := range ids {
			if id.Identity == nil || id.Recipient == "" {
				t.Fatal("identity without recipient")
			}
		}
	})
}
