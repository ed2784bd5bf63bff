package export

import (
	"archive/tar"
	"bytes"
	"crypto/ed25519"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/paspor/paspor/crypto"
	"github.com/paspor/paspor/internal/testenv"
)

// TestStockPipelineAsRoot runs the documented stock pipeline as root (where tar keeps owners
// and set-id bits by default) on hostile archives from a stranger: each must fail before
// anything is extracted, leaving no set-id file and no file of a foreign owner. The plain
// "age -d | tar -x" it replaced is run too, to show the archives are hostile: it extracts them.
func TestStockPipelineAsRoot(t *testing.T) {
	requireStockTools(t)
	ageBin := testenv.RequireProgram(t, "age", "apt-get install age")
	if os.Geteuid() != 0 {
		if os.Getenv("CI") == "true" {
			t.Fatal("the stock pipeline's root test must run as root under CI=true")
		}
		t.Skip("SKIPPING ROOT TEST: run as root (e.g. in the CI container) to check the stock pipeline against set-id and owner tricks")
	}
	p := newPartner(t, false)
	png := []byte("\\x89PNG\\r\\n\\x1a\\nPNGDATA")
	hostile := map[string][]tar.Header{
		"setuid file with a foreign owner": {{Name: "files/doc1/selfie.png", Mode: 0o6755 | 0o111, Uid: 1234, Gid: 1234, Size: int64(len(png))}},
		"foreign owner only":               {{Name: "files/doc1/selfie.png", Mode: 0o600, Uid: 1234, Gid: 1234, Size: int64(len(png))}},
		"setgid only":                      {{Name: "files/doc1/selfie.png", Mode: 0o2600, Size: int64(len(png))}},
		"owner by name":                    {{Name: "files/doc1/selfie.png", Mode: 0o600, Uname: "daemon", Gname: "daemon", Uid: 1, Gid: 1, Size: int64(len(png))}},
		"dot-dot name":                     {{Name: "files/../../evil.png", Mode: 0o600, Size: int64(len(png))}},
		"symlink":                          {{Name: "files/doc1/selfie.png", Typeflag: tar.TypeSymlink, Linkname: "/etc/shadow", Mode: 0o777}},
		"executable":                       {{Name: "files/doc1/selfie.png", Mode: 0o700, Size: int64(len(png))}},
	}
	for name, hdrs := range hostile {
		t.Run(name, func(t *testing.T) {
			c := newCraft(p.recipient)
			c.signer = stranger
			c.manifest.Holder = crypto.SSHPublicKeyLine(stranger.Public().(ed25519.PublicKey), "")
			plain := hostileTar(t, c, hdrs, png)
			for _, run := range []struct {
				script   string
				hostile  bool // whether the run is expected to extract the hostile file
				describe string
			}{
				{stockPipeline, false, "documented pipeline"},
				{"set -e\nmkdir out\nage -d -i partner.key bundle.age | tar -x -C out\n", true, "bare age | tar -x"},
			} {
				dir := t.TempDir()
				os.WriteFile(filepath.Join(dir, "bundle.age"), encryptTo(t, plain, p.recipient), 0o600)
				os.WriteFile(filepath.Join(dir, "partner.key"), p.file, 0o600)
				os.WriteFile(filepath.Join(dir, "holder.pub"), []byte(crypto.SSHPublicKeyLine(holderKey(1).Public().(ed25519.PublicKey), "")+"\n"), 0o600)
				out, err := runPipeline(dir, ageBin, run.script)
				bad := unsafeExtracted(t, dir)
				if run.hostile {
					// GNU tar drops a leading "../" by itself; every other archive gets through.
					if name != "dot-dot name" && bad == "" {
						t.Fatalf("%s extracted nothing unsafe: the archive is not hostile (%v)\n%s", run.describe, err, out)
					}
					continue
				}
				if err == nil {
					t.Fatalf("%s accepted a hostile archive:\n%s", run.describe, out)
				}
				if bad != "" {
					t.Fatalf("%s left %s", run.describe, bad)
				}
				if _, err := os.Lstat(filepath.Join(dir, "out")); err == nil {
					t.Fatalf("%s created out/ before the listing was checked", run.describe)
				}
			}
		})
	}
}

// hostileTar is the craft's tar with the selfie entry replaced by hdrs (content data).
func hostileTar(t *testing.T, c *craft, hdrs []tar.Header, data []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	tr := tar.NewReader(bytes.NewReader(c.tar(t)))
	for range len(fixedOrder) {
		h, err := tr.Next()
		if err != nil {
			t.Fatal(err)
		}
		b := make([]byte, h.Size)
		if _, err := io.ReadFull(tr, b); err != nil {
			t.Fatal(err)
		}
		tw.WriteHeader(h)
		tw.Write(b)
	}
	for _, h := range hdrs {
		h.ModTime = testNow
		if h.Typeflag == 0 {
			h.Typeflag = tar.TypeReg
		}
		if err := tw.WriteHeader(&h); err != nil {
			t.Fatal(err)
		}
		if h.Typeflag == tar.TypeReg {
			tw.Write(data)
		}
	}
	tw.Close()
	return buf.Bytes()
}

// unsafeExtracted walks dir for a set-id or executable file, a file not owned by root or a
// symlink, and looks for a file written next to dir; it returns a description or "".
func unsafeExtracted(t *testing.T, dir string) string {
	if _, err := os.Lstat(filepath.Join(filepath.Dir(dir), "evil.png")); err == nil {
		return "a file outside out/"
	}
	var found string
	filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || found != "" {
			return nil
		}
		info, err := os.Lstat(path)
		if err != nil {
			return nil
		}
		st := info.Sys().(*syscall.Stat_t)
		switch {
		case info.Mode()&(fs.ModeSetuid|fs.ModeSetgid) != 0:
			found = "a set-id file " + path
		case st.Uid != 0 || st.Gid != 0:
			found = "a file of a foreign owner " + path
		case info.Mode()&fs.ModeSymlink != 0:
			found = "a symlink " + path
		case info.Mode().IsRegular() && info.Mode()&0o111 != 0:
			found = "an executable file " + path
		}
		return nil
	})
	return found
}
