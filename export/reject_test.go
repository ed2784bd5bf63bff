package export

import (
	"archive/tar"
	"bytes"
	"crypto/ed25519"
	"errors"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/paspor/paspor/crypto"
)

// rejection is one crafted bundle and the reason Open must give.
type rejection struct {
	name   string
	reason string
	bundle func(t *testing.T, p partner) []byte
	opts   func(*OpenOptions)
}

// crafted encrypts a craft for p after mod changed it.
func crafted(mod func(*craft)) func(*testing.T, partner) []byte {
	return func(t *testing.T, p partner) []byte {
		c := newCraft(p.recipient)
		if mod != nil {
			mod(c)
		}
		return encryptTo(t, c.tar(t), p.recipient)
	}
}

func appendEntry(e tarEntry) func(*craft) {
	return func(c *craft) { c.entries = func(es []tarEntry) []tarEntry { return append(es, e) } }
}

func rejections(t testing.TB) []rejection {
	other := newPartner(t, false)
	return []rejection{
		{"other partner's bundle", ReasonDecrypt, func(t *testing.T, p partner) []byte {
			return encryptTo(t, newCraft(other.recipient).tar(t), other.recipient)
		}, nil},
		{"not age", ReasonDecrypt, func(*testing.T, partner) []byte { return []byte("hello, bank") }, nil},
		{"truncated ciphertext", ReasonDecrypt, func(t *testing.T, p partner) []byte {
			b := crafted(nil)(t, p)
			return b[:len(b)-20]
		}, nil},
		{"flipped ciphertext byte", ReasonDecrypt, func(t *testing.T, p partner) []byte {
			b := crafted(nil)(t, p)
			b[len(b)-30] ^= 1
			return b
		}, nil},
		{"plaintext not a tar", ReasonNotABundle, func(t *testing.T, p partner) []byte {
			return encryptTo(t, bytes.Repeat([]byte("not a tar "), 100), p.recipient)
		}, nil},
		{"no manifest", ReasonNotABundle, crafted(func(c *craft) {
			c.entries = func(es []tarEntry) []tarEntry { return es[1:] }
		}), nil},
		{"unknown format", ReasonNotABundle, crafted(func(c *craft) { c.manifest.Format = "paspor-bundle/2" }), nil},
		{"manifest path escapes", ReasonNotABundle, crafted(func(c *craft) { c.manifest.Documents[0].Files[0].Path = "files/../x" }), nil},
		{"symlink entry", ReasonUnsafeEntry, crafted(appendEntry(tarEntry{Name: "files/link", Type: tar.TypeSymlink, Linkname: "/etc/passwd"})), nil},
		{"hard link entry", ReasonUnsafeEntry, crafted(appendEntry(tarEntry{Name: "files/hard", Type: tar.TypeLink, Linkname: "manifest.json"})), nil},
		{"directory entry", ReasonUnsafeEntry, crafted(appendEntry(tarEntry{Name: "files/dir/", Type: tar.TypeDir})), nil},
		{"device entry", ReasonUnsafeEntry, crafted(appendEntry(tarEntry{Name: "files/dev", Type: tar.TypeChar})), nil},
		{"dot-dot path", ReasonUnsafeEntry, crafted(appendEntry(tarEntry{Name: "../evil", Data: []byte("x")})), nil},
		{"absolute path", ReasonUnsafeEntry, crafted(appendEntry(tarEntry{Name: "/tmp/evil", Data: []byte("x")})), nil},
		{"duplicate entry", ReasonUnsafeEntry, crafted(appendEntry(tarEntry{Name: "files/doc1/selfie.png", Data: []byte("PNGDATA")})), nil},
		{"case-folded duplicate", ReasonUnsafeEntry, crafted(appendEntry(tarEntry{Name: "MANIFEST.json", Data: []byte("{}")})), nil},
		{"file under a file", ReasonExtraFile, crafted(appendEntry(tarEntry{Name: "files/doc1/selfie.png/x", Data: []byte("x")})), nil},
		{"signature by another key", ReasonSignature, crafted(func(c *craft) { c.signer = holderKey(2) }), nil},
		{"SHA256SUMS changed after signing", ReasonSignature, crafted(func(c *craft) {
			c.entries = func(es []tarEntry) []tarEntry {
				es[1].Data = append(bytes.Clone(es[1].Data), "0000000000000000000000000000000000000000000000000000000000000000  files/x\n"...)
				return es
			}
		}), nil},
		{"no signature", ReasonSignature, crafted(func(c *craft) {
			c.entries = func(es []tarEntry) []tarEntry { return slices.Delete(es, 2, 3) }
		}), nil},
		{"not the pinned holder", ReasonHolder, crafted(nil), func(o *OpenOptions) { o.Holder = holderKey(3).Public().(ed25519.PublicKey) }},
		{"resigned by another holder", ReasonHolder, crafted(func(c *craft) {
			c.signer = holderKey(2)
			c.manifest.Holder = crypto.SSHPublicKeyLine(holderKey(2).Public().(ed25519.PublicKey), "")
		}), func(o *OpenOptions) { o.Holder = holderKey(1).Public().(ed25519.PublicKey) }},
		{"audience names someone else", ReasonAudience, crafted(func(c *craft) { c.manifest.Audience = []string{other.recipient} }), nil},
		{"expired", ReasonExpired, crafted(nil), func(o *OpenOptions) { o.Now = testNow.Add(2 * time.Hour) }},
		{"nonce differs", ReasonNonce, crafted(nil), func(o *OpenOptions) { o.Nonce = "n-999" }},
		{"nonce expected, none given", ReasonNonce, crafted(func(c *craft) { c.manifest.Nonce = "" }), func(o *OpenOptions) { o.Nonce = "n-123" }},
		{"manifest edited after signing", ReasonHash, crafted(func(c *craft) {
			c.entries = func(es []tarEntry) []tarEntry {
				es[0].Data = bytes.Replace(es[0].Data, []byte(`"n-123"`), []byte(`"n-124"`), 1)
				return es
			}
		}), nil},
		{"file content differs", ReasonHash, crafted(func(c *craft) { c.content["files/doc1/selfie.png"] = []byte("PNGDATA!") }), nil},
		{"SHA256SUMS misses a file", ReasonHash, crafted(func(c *craft) {
			c.sums = func(b []byte) []byte { return []byte(strings.SplitAfter(string(b), "\n")[0]) }
		}), nil},
		{"SHA256SUMS unsorted", ReasonHash, crafted(func(c *craft) {
			c.sums = func(b []byte) []byte { l := strings.SplitAfter(string(b), "\n"); return []byte(l[1] + l[0]) }
		}), nil},
		{"missing file", ReasonMissingFile, crafted(func(c *craft) { delete(c.content, "files/doc1/selfie.png") }), nil},
		{"extra file", ReasonExtraFile, crafted(appendEntry(tarEntry{Name: "files/doc1/extra.png", Data: []byte("x")})), nil},
		{"file over the cap", ReasonTooLarge, crafted(nil), func(o *OpenOptions) { o.MaxFileSize = 3 }},
		{"tar over the cap", ReasonTooLarge, crafted(nil), func(o *OpenOptions) { o.MaxTotalSize = 2048 }},
		{"too many files", ReasonTooLarge, crafted(func(c *craft) { addTranslations(c, maxEntries-2, 1) }), nil},
	}
}

// TestOpenRejects crafts one bundle per failure and checks the reason and that nothing is
// left behind in OutDir.
func TestOpenRejects(t *testing.T) {
	p := newPartner(t, false)
	for _, r := range rejections(t) {
		t.Run(r.name, func(t *testing.T) {
			bundle := r.bundle(t, p)
			out := t.TempDir()
			opts := OpenOptions{Identities: p.ids, Now: testNow.Add(time.Minute), OutDir: out}
			if r.opts != nil {
				r.opts(&opts)
			}
			_, err := Open(bytes.NewReader(bundle), opts)
			var rej *RejectedError
			if !errors.As(err, &rej) || rej.Reason != r.reason {
				t.Fatalf("Open = %v, want reason %q", err, r.reason)
			}
			if entries, err := os.ReadDir(out); err != nil || len(entries) != 0 {
				t.Fatalf("OutDir holds %d entries after a rejection (%v)", len(entries), err)
			}
		})
	}
}

// TestCraftIsValid guards the rejection tests: the unmodified craft opens.
func TestCraftIsValid(t *testing.T) {
	p := newPartner(t, false)
	b := crafted(nil)(t, p)
	if _, err := Open(bytes.NewReader(b), OpenOptions{Identities: p.ids, Now: testNow, Nonce: "n-123", OutDir: t.TempDir()}); err != nil {
		t.Fatal(err)
	}
}

func TestAllReasonsCovered(t *testing.T) {
	seen := map[string]bool{}
	for _, r := range rejections(t) {
		seen[r.reason] = true
	}
	p := newPartner(t, false)
	for _, a := range attacks(p, p) {
		seen[a.reason] = true
	}
	for _, reason := range []string{ReasonDecrypt, ReasonNotABundle, ReasonUnsafeEntry, ReasonSignature, ReasonHolder,
		ReasonAudience, ReasonNotYetValid, ReasonExpired, ReasonNonce, ReasonHash, ReasonMediaType, ReasonMissingFile,
		ReasonExtraFile, ReasonTooLarge} {
		if !seen[reason] {
			t.Errorf("no rejection test for %q", reason)
		}
	}
}
