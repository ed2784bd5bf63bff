package export

import (
	"bytes"
	"crypto/ed25519"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// hostileSet is the generated bundles with the folder each was made against: absolute names
// in a bundle point at root/x, and the runs land in root/<run>/out, so a listing of root shows
// anything that escaped.
type hostileSet struct {
	env   *hostileEnv
	cases []hostile
	data  [][]byte
	roots []string
}

func makeHostileSet(t *testing.T) *hostileSet {
	t.Helper()
	s := &hostileSet{env: &hostileEnv{p: newPartner(t, false), other: newPartner(t, false), now: testNow.Add(time.Minute)}}
	s.cases = hostileBundles()
	for _, h := range s.cases {
		root := t.TempDir()
		s.env.target = filepath.Join(root, "x")
		s.data = append(s.data, h.bundle(t, s.env))
		s.roots = append(s.roots, root)
	}
	return s
}

func (s *hostileSet) options(h hostile) OpenOptions {
	opts := OpenOptions{Identities: s.env.p.ids, Holder: holderKey(1).Public().(ed25519.PublicKey), Nonce: "n-123", Now: s.env.now}
	if h.caps != nil {
		opts.MaxFileSize, opts.MaxTotalSize = h.caps[0], h.caps[1]
	}
	return opts
}

// TestHostileBundles opens every hostile bundle into an empty folder: each must be rejected
// with its reason, and afterwards the folder must still be empty with nothing written beside it. -v prints the table SECURITY.md quotes.
func TestHostileBundles(t *testing.T) {
	s := makeHostileSet(t)
	if len(s.cases) < 30 {
		t.Fatalf("only %d hostile bundles", len(s.cases))
	}
	var table strings.Builder
	for i, h := range s.cases {
		t.Run(h.name, func(t *testing.T) {
			out := filepath.Join(s.roots[i], "existing", "out")
			if err := os.MkdirAll(out, 0o700); err != nil {
				t.Fatal(err)
			}
			opts := s.options(h)
			opts.OutDir = out
			res, err := Open(bytes.NewReader(s.data[i]), opts)
			var rej *RejectedError
			if !errors.As(err, &rej) || rej.Reason != h.reason {
				t.Fatalf("Open = %v, %v; want reason %q", res, err, h.reason)
			}
			checkLeftBehind(t, s.roots[i], out)
		})
		table.WriteString("| " + h.name + " | " + h.reason + " |\n")
	}
	t.Logf("%d hostile bundles, all rejected, nothing left behind:\n| bundle | reason |\n|---|---|\n%s", len(s.cases), &table)
}

// checkLeftBehind asserts that out is empty and that root holds nothing but root/existing/out.
func checkLeftBehind(t *testing.T, root, out string) {
	t.Helper()
	if entries, err := os.ReadDir(out); err != nil || len(entries) != 0 {
		t.Fatalf("output folder holds %v after a rejection (%v)", names(entries), err)
	}
	top, err := os.ReadDir(root)
	if err != nil {
		t.Fatal(err)
	}
	if n := names(top); len(n) != 1 || n[0] != "existing" {
		t.Fatalf("%s written outside the output folder", n)
	}
	if n, _ := os.ReadDir(filepath.Join(root, "existing")); len(n) != 1 {
		t.Fatalf("%s beside the output folder after a rejection", names(n))
	}
}

func names(es []os.DirEntry) []string {
	var n []string
	for _, e := range es {
		n = append(n, e.Name())
	}
	return n
}
