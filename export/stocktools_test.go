package export

import (
	"bytes"
	"crypto/ed25519"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/paspor/paspor/crypto"
	"github.com/paspor/paspor/internal/testenv"
)

// The stock-tool oracles: a partner with only Debian's age (or age v1.3), GNU tar, OpenSSH and
// coreutils can check a bundle completely, with the commands of docs/bundle-format.md. They
// skip loudly when a tool is missing (testenv), and fail instead under CI=true, where CI
// installs all of them.

// requireStockTools returns the path of the age binary to use after checking the others.
func requireStockTools(t *testing.T) {
	t.Helper()
	testenv.RequireProgram(t, "tar", "apt-get install tar")
	testenv.RequireProgram(t, "ssh-keygen", "apt-get install openssh-client")
	testenv.RequireProgram(t, "sha256sum", "apt-get install coreutils")
	testenv.RequireProgram(t, "sh", "apt-get install dash")
}

// stockPipeline is the stock-tool check of docs/bundle-format.md and README.md, verbatim
// (TestStockPipelineDocumented keeps them equal), with $AGE for the age binary.
const stockPipeline = `set -e
age -d -i partner.key -o bundle.tar bundle.age
tar -tvf bundle.tar --numeric-owner --quoting-style=escape > listing.txt
awk '$1 != "-rw-------" || $2 != "0/0" || NF != 6 ||
  $6 !~ /^(manifest\.json|SHA256SUMS|SHA256SUMS\.sig|files\/[0-9a-z_-]+\/[0-9a-z_-]+\.(jpg|png|pdf))$/ { bad = 1 }
  END { exit bad }' listing.txt
mkdir -m 700 out
tar -xf bundle.tar -C out --no-same-owner --no-same-permissions --no-xattrs --no-acls --no-selinux --keep-old-files
echo "holder namespaces=\"paspor-bundle\" $(cat holder.pub)" > allowed_signers
ssh-keygen -Y verify -f allowed_signers -I holder -n paspor-bundle -s out/SHA256SUMS.sig < out/SHA256SUMS
(cd out && sha256sum --strict -c SHA256SUMS)
`

// runPipeline runs script in dir with ageBin as age; it returns the combined output and error.
func runPipeline(dir, ageBin, script string) ([]byte, error) {
	cmd := exec.Command("sh", "-c", strings.ReplaceAll(script, "age -d", `"$AGE" -d`))
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "AGE="+ageBin)
	return cmd.CombinedOutput()
}

// stockCheck runs the documented partner pipeline in dir, where partner.key, holder.pub and
// bundle.age are, with ageBin as age.
func stockCheck(t *testing.T, dir, ageBin string) {
	t.Helper()
	if out, err := runPipeline(dir, ageBin, stockPipeline); err != nil {
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
	ageBin := testenv.RequireProgram(t, "age", "apt-get install age")
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
	ageBin := testenv.Age13(t)
	dir, _ := stockDir(t, newPartner(t, true), false)
	stockCheck(t, dir, ageBin)
}

// TestStockSignatureTamperDetected keeps the oracle honest: ssh-keygen refuses a changed SHA256SUMS.
func TestStockSignatureTamperDetected(t *testing.T) {
	requireStockTools(t)
	ageBin := testenv.RequireProgram(t, "age", "apt-get install age")
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
	ageBin := testenv.RequireProgram(t, "age", "apt-get install age")
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
	out := t.TempDir()
	_, err = Open(bytes.NewReader(fwd), OpenOptions{Identities: b.ids, Now: testNow, OutDir: out})
	var rej *RejectedError
	if !errors.As(err, &rej) || rej.Reason != ReasonAudience {
		t.Fatalf("Open of a forwarded bundle = %v, want reason audience", err)
	}
	if entries, err := os.ReadDir(out); err != nil || len(entries) != 0 {
		t.Fatalf("output folder holds %d entries after rejection (%v)", len(entries), err)
	}
	// The same plaintext, encrypted back to A, still opens: only the audience differs.
	run("-r", a.recipient, "-o", "back.age", "plain.tar")
	back, _ := os.ReadFile(filepath.Join(dir, "back.age"))
	if _, err := Open(bytes.NewReader(back), OpenOptions{Identities: a.ids, Now: testNow}); err != nil {
		t.Fatalf("re-encrypted to A: %v", err)
	}
}

// TestStockPipelineDocumented: docs/bundle-format.md and README.md show the stock pipeline
// exactly as the tests run it (indented by four spaces), so the documented commands are the
// tested ones.
func TestStockPipelineDocumented(t *testing.T) {
	var block strings.Builder
	for line := range strings.SplitSeq(strings.TrimSuffix(stockPipeline, "\n"), "\n") {
		block.WriteString("    " + line + "\n")
	}
	for _, doc := range []string{"../docs/bundle-format.md", "../README.md"} {
		data, err := os.ReadFile(doc)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(data), block.String()) {
			t.Errorf("%s does not show the tested stock pipeline:\n%s", doc, block.String())
		}
	}
}
