package telegram

import (
	"bytes"
	"crypto/rsa"
	"os"
	"path/filepath"
	"testing"
)

// readVector reads a PassportData vector from testdata. The TBEP files carry a UTF-8 BOM
// and "//" comment lines from their test suite; the comments are not part of the wire
// format and are dropped here, the BOM is left for Open to handle.
func readVector(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	var out []byte
	bom := bytes.HasPrefix(b, []byte("\xef\xbb\xbf"))
	if bom {
		out = append(out, b[:3]...)
		b = b[3:]
	}
	for _, line := range bytes.SplitAfter(b, []byte("\n")) {
		if bytes.HasPrefix(bytes.TrimSpace(line), []byte("//")) {
			continue
		}
		out = append(out, line...)
	}
	return out
}

func readPrivateKey(t testing.TB, name string) *rsa.PrivateKey {
	t.Helper()
	k, err := parsePrivateKeyFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func parsePrivateKeyFile(path string) (*rsa.PrivateKey, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return ParsePrivateKey(b)
}
