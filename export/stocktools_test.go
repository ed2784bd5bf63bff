package export

import (
	"bytes"
	"crypto/ed25519"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/paspor/paspor/crypto"
)

// The stock-tool oracles: a partner with only Debian's age (or age v1.3), GNU tar, OpenSSH and
// coreutils can check a bundle completely, with the commands of docs/bundle-format.md. They skip loudly when a tool is missing; CI installs all of them.

// requireStockTools returns the path of the age binary to use after checking the others.
func requireStockTools(t *testing.T) {
	t.Helper()
	requireTool(t, "tar", "tar")
	requireTool(t, "ssh-keygen", "openssh-client")
	requireTool(t, "sha256sum", "coreutils")
	requireTool(t, "sh", "dash")
}

// ageV13 is the age release whose CLI is the hybrid-key oracle; it matches go.mod's filippo.io/age.
const ageV13 = "filippo.io/age/cmd/age@v1.3.2"

// buildAgeV13 installs age v1.3 from its module (Debian's age 1.1 lacks hybrid post-quantum
// keys). go install pkg@version uses age's own go.mod, so it does not depend on this module's
// go.sum listing cmd/age's dependencies (go mod tidy drops them: nothing here imports cmd/age).
func buildAgeV13(t *testing.T) string {
	t.Helper()
	goBin := filepath.Join(runtime.GOROOT(), "bin", "go")
	if _, err := os.Stat(goBin); err != nil {
		goBin = requireTool(t, "go", "golang-go")
	}
	dir := t.TempDir()
	cmd := exec.Command(goBin, "install", ageV13)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOBIN="+dir, "GOWORK=off")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("failed to build %s: %v\n%s", ageV13, err, out)
	}
	bin := filepath.Join(dir, "age")
	if out, _ := exec.Command(bin, "--version").Output(); !bytes.HasPrefix(out, []byte("v1.3")) {
		t.Fatalf("built age reports version %q, want v1.3.x", out)
	}
	return bin
}

// stockCheck runs the four documented partner commands in dir, where partner.key, holder.pub
// and bundle.age are, with ageBin as age.
func stockCheck(t *testing.T, dir, ageBin string) {
	t.Helper()
	script := `set -e
"$AGE" -d -i partner.key bundle.age | tar -x -C out
echo "holder namespaces=\"paspor-bundle\" $(cat holder.pub)" > allowed_signers
ssh-keygen -Y verify -f allowed_signers -I holder -n paspor-bundle -s out/SHA256SUMS.sig < out/SHA256SUMS
(cd out && sha256sum --strict -c SHA256SUMS)
`
	if err := os.Mkdir(filepath.Join(dir, "out"), 0o700); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("sh", "-c", script)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "AGE="+ageBin)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("stock tools rejected the bundle: %v\n%s", err, out)
	}
}

// stockDir writes a bundle for p, p's key and the holder's public key into a fresh folder.
func stockDir(t *testing.T, p partner, armor bool) (string, *Manifest) {
	t.Helper()
	bundle, m := writeTestBundle(t, []string{p.recipient}, func(o *WriteOptions) { o.Armor = armor })
	dir := t.TempDir()
	holder := crypto.SSHPublicKeyLine(holderKey(1).Public().(ed25519.PublicKey), "paspor") + "\n"
	for name, data := range map[string][]byte{"bundle.age": bundle, "partner.key": p.file, "holder.pub": []byte(holder)} {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return dir, m
}

// TestStockToolsX25519: Debian's age decrypts, tar extracts, ssh-keygen verifies, sha256sum checks.
func TestStockToolsX25519(t *testing.T) {
	requireStockTools(t)
	ageBin := requireTool(t, "age", "age")
	p := newPartner(t, false)
	for _, armor := range []bool{false, true} {
		dir, m := stockDir(t, p, armor)
		stockCheck(t, dir, ageBin)
		// What tar extracted is the manifest Write returned.
		data, err := os.ReadFile(filepath.Join(dir, "out", "manifest.json"))
		if err != nil {
			t.Fatal(err)
		}
		got, err := parseManifest(data)
		if err != nil || got.BundleID != m.BundleID {
			t.Fatalf("extracted manifest: %v", err)
		}
	}
}

// TestStockToolsHybrid: age v1.3, built from the module, decrypts a post-quantum bundle.
func TestStockToolsHybrid(t *testing.T) {
	requireStockTools(t)
	ageBin := buildAgeV13(t)
	dir, _ := stockDir(t, newPartner(t, true), false)
	stockCheck(t, dir, ageBin)
}

// TestStockSignatureTamperDetected keeps the oracle honest: ssh-keygen refuses a changed SHA256SUMS.
func TestStockSignatureTamperDetected(t *testing.T) {
	requireStockTools(t)
	ageBin := requireTool(t, "age", "age")
	dir, _ := stockDir(t, newPartner(t, false), false)
	stockCheck(t, dir, ageBin)
	sums := filepath.Join(dir, "out", "SHA256SUMS")
	data, _ := os.ReadFile(sums)
	data[0] ^= 1
	os.WriteFile(sums, data, 0o600)
	cmd := exec.Command("ssh-keygen", "-Y", "verify", "-f", "allowed_signers", "-I", "holder", "-n", "paspor-bundle", "-s", "out/SHA256SUMS.sig")
	cmd.Dir, cmd.Stdin = dir, bytes.NewReader(data)
	if err := cmd.Run(); err == nil {
		t.Fatal("ssh-keygen accepted a changed SHA256SUMS")
	}
}

// TestForwardingRejected: partner A decrypts with stock age and re-encrypts the same plaintext
// to partner B with stock age; B's Open refuses it because B is not in the signed audience.
func TestForwardingRejected(t *testing.T) {
	ageBin := requireTool(t, "age", "age")
	a, b := newPartner(t, false), newPartner(t, false)
	dir, _ := stockDir(t, a, false)
	run := func(args ...string) {
		cmd := exec.Command(ageBin, args...)
		cmd.Dir = dir
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("age %v: %v\n%s", args, err, out)
		}
	}
	run("-d", "-i", "partner.key", "-o", "plain.tar", "bundle.age")
	run("-r", b.recipient, "-o", "forwarded.age", "plain.tar")
	fwd, err := os.ReadFile(filepath.Join(dir, "forwarded.age"))
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "opened")
	_, err = Open(bytes.NewReader(fwd), OpenOptions{Identities: b.ids, Now: testNow, OutDir: out})
	var rej *RejectedError
	if !errors.As(err, &rej) || rej.Reason != ReasonAudience {
		t.Fatalf("Open of a forwarded bundle = %v, want reason audience", err)
	}
	if _, err := os.Stat(out); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("output folder exists after rejection: %v", err)
	}
	// The same plaintext, encrypted back to A, still opens: only the audience differs.
	run("-r", a.recipient, "-o", "back.age", "plain.tar")
	back, _ := os.ReadFile(filepath.Join(dir, "back.age"))
	if _, err := Open(bytes.NewReader(back), OpenOptions{Identities: a.ids, Now: testNow}); err != nil {
		t.Fatalf("re-encrypted to A: %v", err)
	}
}
