package testenv

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// InCI reports whether the tests run in CI (CI=true), where nothing may skip for a missing
// program.
func InCI() bool { return os.Getenv("CI") == "true" }

// RequireProgram returns the path of the program name. When it is not on PATH, the test is
// skipped with a message naming install (e.g. "apt-get install age"), or fails under CI=true.
func RequireProgram(t testing.TB, name, install string) string {
	t.Helper()
	path, err := exec.LookPath(name)
	if err == nil {
		return path
	}
	if InCI() {
		t.Fatalf("%s is not installed and CI=true forbids skipping: %s", name, install)
	}
	t.Skipf("SKIP: %s is not installed: %s", name, install)
	return ""
}

// AgeModuleVersion is the version of filippo.io/age this module requires (go.mod): the one
// version source for the age v1.3 oracle.
func AgeModuleVersion() (string, error) {
	out, err := exec.Command(goTool(), "list", "-m", "-f", "{{.Version}}", "filippo.io/age").Output()
	if err != nil {
		return "", fmt.Errorf("go list -m filippo.io/age: %w", err)
	}
	v := strings.TrimSpace(string(out))
	if !strings.HasPrefix(v, "v1.3.") {
		return "", fmt.Errorf("go.mod requires filippo.io/age %s; the hybrid-key oracle needs v1.3.x", v)
	}
	return v, nil
}

// InstallAge13 builds age v1.3 (hybrid age1pq1 keys, which Debian's age 1.1 lacks) at the
// version go.mod requires and installs it as dir/name. `go install pkg@version` resolves
// with age's own go.mod, outside this module, so this module's go.sum need not list cmd/age's
// dependencies. It returns the binary's path.
func InstallAge13(dir, name string) (string, error) {
	version, err := AgeModuleVersion()
	if err != nil {
		return "", err
	}
	gobin, err := os.MkdirTemp("", "paspor-age13-")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(gobin)
	cmd := exec.Command(goTool(), "install", "filippo.io/age/cmd/age@"+version)
	cmd.Dir = gobin // outside this module, so @version resolves on its own
	cmd.Env = append(os.Environ(), "GOBIN="+gobin, "GOFLAGS=", "GOWORK=off")
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go install filippo.io/age/cmd/age@%s: %w\n%s", version, err, out)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	bin := filepath.Join(dir, name)
	if err := os.Rename(filepath.Join(gobin, "age"), bin); err != nil {
		return "", err
	}
	if out, _ := exec.Command(bin, "--version").Output(); !bytes.HasPrefix(out, []byte("v1.3")) {
		return "", fmt.Errorf("the age built from %s reports version %q, want v1.3.x", version, out)
	}
	return bin, nil
}

// Age13 installs age v1.3 into a folder of the test's own (see InstallAge13) and returns its
// path; it fails the test when the build fails (the module proxy is part of the toolchain).
func Age13(t testing.TB) string {
	t.Helper()
	bin, err := InstallAge13(t.TempDir(), "age")
	if err != nil {
		t.Fatal(err)
	}
	return bin
}

// goTool is the go command: go test puts its own toolchain's bin folder first on PATH.
func goTool() string { return "go" }
