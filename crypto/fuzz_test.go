package crypto

import (
	"bytes"
	"strings"
	"testing"
)

// FuzzParseRecipientsFile: any file either fails with a message that never echoes its content
// (it may be a secret given by mistake) or gives canonical recipients that parse back to themselves.
func FuzzParseRecipientsFile(f *testing.F) {
	f.Add([]byte("# partner\nage1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p\n"))
	f.Add([]byte("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHsKLqeplhpW+uObz5dvMgjz1OxfM/XXUB+VHtZ6isGN bank\r\n\r\n"))
	f.Add([]byte("AGE-SECRET-KEY-1GFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPQ4EGAEX\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		out, err := ParseRecipientsFile(bytes.NewReader(data))
		if err != nil {
			for _, line := range strings.Split(string(data), "\n") {
				if len(line) >= 16 && strings.Contains(err.Error(), line) {
					t.Fatalf("error %q echoes a line of the file", err)
				}
			}
			return
		}
		if len(out) == 0 {
			t.Fatal("no error and no recipients")
		}
		for _, r := range out {
			if _, _, canonical, err := ParseRecipient(r); err != nil || canonical != r {
				t.Fatalf("recipient %q is not canonical: %q, %v", r, canonical, err)
			}
		}
	})
}

// FuzzParseHolderKey: an accepted key is 32 bytes and its canonical line parses back to it,
// since the manifest compares holder lines as strings.
func FuzzParseHolderKey(f *testing.F) {
	f.Add("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHsKLqeplhpW+uObz5dvMgjz1OxfM/XXUB+VHtZ6isGN holder")
	f.Add("# paspor key\n\nssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHsKLqeplhpW+uObz5dvMgjz1OxfM/XXUB+VHtZ6isGN\n")
	f.Add("ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAAAgQDb")
	f.Fuzz(func(t *testing.T, text string) {
		pub, err := ParseHolderKey(text)
		if err != nil {
			return
		}
		if len(pub) != 32 {
			t.Fatalf("accepted a %d-byte key", len(pub))
		}
		again, err := ParseHolderKey(SSHPublicKeyLine(pub, ""))
		if err != nil || !bytes.Equal(again, pub) {
			t.Fatalf("canonical line does not parse back: %v", err)
		}
	})
}
