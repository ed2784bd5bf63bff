package export

import (
	"bytes"
	"crypto/ed25519"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/paspor/paspor/crypto"
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
	s := &hostileSet{env: &hostileEnv{p: newPartner(t, false), other: newPartner(t, false), now: time.Now().UTC().Truncate(time.Second)}}
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
	opts := OpenOptions{Identities: s.env.p.ids, Holder: holderKey(1).Public().(ed25519.PublicKey), Nonce: "n-123"}
	if h.caps != nil {
		opts.MaxFileSize, opts.MaxTotalSize = h.caps[0], h.caps[1]
	}
	return opts
}

// TestHostileBundles opens every hostile bundle into a folder that does not exist yet and into
// an existing empty one: each must be rejected with its reason, and afterwards the folder must
// be gone (or still empty) with nothing written beside it. -v prints the table SECURITY.md quotes.
func TestHostileBundles(t *testing.T) {
	s := makeHostileSet(t)
	if len(s.cases) < 30 {
		t.Fatalf("only %d hostile bundles", len(s.cases))
	}
	var table strings.Builder
	for i, h := range s.cases {
		t.Run(h.name, func(t *testing.T) {
			for _, run := range []string{"new", "existing"} {
				out := filepath.Join(s.roots[i], run, "out")
				if err := os.MkdirAll(filepath.Dir(out), 0o700); err != nil {
					t.Fatal(err)
				}
				if run == "existing" {
					if err := os.Mkdir(out, 0o700); err != nil {
						t.Fatal(err)
					}
				}
				opts := s.options(h)
				opts.OutDir = out
				res, err := Open(bytes.NewReader(s.data[i]), opts)
				var rej *RejectedError
				if !errors.As(err, &rej) || rej.Reason != h.reason {
					t.Fatalf("%s folder: Open = %v, %v; want reason %q", run, res, err, h.reason)
				}
				checkLeftBehind(t, s.roots[i], out, run == "existing")
			}
		})
		table.WriteString("| " + h.name + " | " + h.reason + " |\n")
	}
	t.Logf("%d hostile bundles, all rejected, nothing left behind:\n| bundle | reason |\n|---|---|\n%s", len(s.cases), &table)
}

// checkLeftBehind asserts that out is empty (existed) or absent, and that root holds only the
// run folders, each holding at most out.
func checkLeftBehind(t *testing.T, root, out string, existed bool) {
	t.Helper()
	entries, err := os.ReadDir(out)
	switch {
	case existed && (err != nil || len(entries) != 0):
		t.Fatalf("output folder holds %v after a rejection (%v)", names(entries), err)
	case !existed && !errors.Is(err, os.ErrNotExist):
		t.Fatalf("output folder was left behind: %v %v", names(entries), err)
	}
	top, err := os.ReadDir(root)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range top {
		if !slices.Contains([]string{"new", "existing", "cli"}, e.Name()) {
			t.Fatalf("%s was written outside the output folder", e.Name())
		}
		inside, _ := os.ReadDir(filepath.Join(root, e.Name()))
		if n := names(inside); len(n) > 1 || len(n) == 1 && n[0] != "out" {
			t.Fatalf("%s beside the output folder after a rejection", n)
		}
	}
}

func names(es []os.DirEntry) []string {
	var n []string
	for _, e := range es {
		n = append(n, e.Name())
	}
	return n
}

// TestHostileBundlesCLI runs the same bundles through the real binary: `paspor open` exits 9
// and names the reason on stderr. Bundles that need tiny caps are left to TestHostileBundles.
func TestHostileBundlesCLI(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the paspor binary")
	}
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go tool to build paspor")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "paspor")
	if out, err := exec.Command(goBin, "build", "-o", bin, "../cmd/paspor").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	s := makeHostileSet(t)
	key := filepath.Join(dir, "partner.key")
	if err := os.WriteFile(key, s.env.p.file, 0o600); err != nil {
		t.Fatal(err)
	}
	holder := crypto.SSHPublicKeyLine(holderKey(1).Public().(ed25519.PublicKey), "")
	ran := 0
	for i, h := range s.cases {
		if h.caps != nil {
			continue
		}
		ran++
		path := filepath.Join(dir, "bundle.age")
		if err := os.WriteFile(path, s.data[i], 0o600); err != nil {
			t.Fatal(err)
		}
		out := filepath.Join(s.roots[i], "cli", "out")
		if err := os.MkdirAll(filepath.Dir(out), 0o700); err != nil {
			t.Fatal(err)
		}
		var stderr bytes.Buffer
		cmd := exec.Command(bin, "open", path, "-i", key, "--holder", holder, "--nonce", "n-123", "-o", out)
		cmd.Env = append(os.Environ(), "HOME="+dir, "NO_COLOR=1")
		cmd.Stderr = &stderr
		err := cmd.Run()
		var exit *exec.ExitError
		if !errors.As(err, &exit) || exit.ExitCode() != 9 || !strings.Contains(stderr.String(), "("+h.reason+")") {
			t.Errorf("%s: paspor open = %v, stderr %q; want exit 9 and reason %q", h.name, err, stderr.String(), h.reason)
			continue
		}
		checkLeftBehind(t, s.roots[i], out, false)
	}
	t.Logf("paspor open rejected %d hostile bundles with exit code 9", ran)
}
