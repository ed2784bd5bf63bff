package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/paspor/paspor/internal/testenv"
)

// TestMakeInstall runs `make install PREFIX=...` as the README says and checks that what it
// installs works from there: the binary runs, man finds the pages under PREFIX's man path,
// and bash-completion and fish load the completion scripts from PREFIX's share folder by
// themselves (through XDG_DATA_DIRS, as for any prefix they are told about).
func TestMakeInstall(t *testing.T) {
	if testing.Short() {
		t.Skip("SKIP: builds paspor with make; not in -short")
	}
	testenv.RequireProgram(t, "make", "apt-get install make")
	testenv.RequireProgram(t, "man", "apt-get install man-db")
	bash := testenv.RequireProgram(t, "bash", "apt-get install bash")
	fish := testenv.RequireProgram(t, "fish", "apt-get install fish")
	const bashCompletion = "/usr/share/bash-completion/bash_completion"
	if _, err := os.Stat(bashCompletion); err != nil {
		if testenv.InCI() {
			t.Fatalf("bash-completion is not installed and CI=true forbids skipping: apt-get install bash-completion")
		}
		t.Skip("SKIP: bash-completion is not installed: apt-get install bash-completion")
	}

	tmp := t.TempDir()
	prefix := filepath.Join(tmp, "usr")
	repo, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	runInstalled(t, repo, nil, "make", "install", "PREFIX="+prefix, "BIN="+filepath.Join(tmp, "build", "paspor"),
		"MANDIR="+filepath.Join(tmp, "man"), "COMPDIR="+filepath.Join(tmp, "completions"))

	for file, mode := range map[string]os.FileMode{
		"bin/paspor":                                  0o755,
		"share/man/man1/paspor.1":                     0o644,
		"share/man/man1/paspor-share.1":               0o644,
		"share/bash-completion/completions/paspor":    0o644,
		"share/zsh/site-functions/_paspor":            0o644,
		"share/fish/vendor_completions.d/paspor.fish": 0o644,
	} {
		st, err := os.Stat(filepath.Join(prefix, file))
		if err != nil {
			t.Errorf("make install did not install %s: %v", file, err)
			continue
		}
		if st.Mode().Perm() != mode {
			t.Errorf("%s has mode %o, want %o", file, st.Mode().Perm(), mode)
		}
	}

	env := []string{
		"PATH=" + filepath.Join(prefix, "bin") + string(os.PathListSeparator) + os.Getenv("PATH"),
		"XDG_DATA_DIRS=" + filepath.Join(prefix, "share"),
		"HOME=" + tmp, "MANWIDTH=100", "MANPATH=" + filepath.Join(prefix, "share", "man"),
	}
	if out := runInstalled(t, tmp, env, "paspor", "version"); !strings.HasPrefix(out, "paspor ") {
		t.Errorf("installed paspor version printed %q", out)
	}
	if out := runInstalled(t, tmp, env, "man", "paspor-share"); !strings.Contains(out, "paspor share SELECTOR") {
		t.Errorf("man paspor-share (MANPATH=PREFIX/share/man) did not render the page:\n%s", out)
	}
	script := `source ` + bashCompletion + `
_completion_loader paspor
complete -p paspor`
	if out := runInstalled(t, tmp, env, bash, "--norc", "--noprofile", "-c", script); !strings.Contains(out, "__start_paspor paspor") {
		t.Errorf("bash-completion did not load the installed script: %q", out)
	}
	if out := runInstalled(t, tmp, env, fish, "-c", `complete -C "paspor add pass"`); !strings.Contains(out, "passport_registration") {
		t.Errorf("fish did not complete through the installed script: %q", out)
	}
}

// runInstalled runs name in dir with env added to the test's environment and returns its stdout; a
// failure ends the test with stderr.
func runInstalled(t *testing.T, dir string, env []string, name string, args ...string) string {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, stderr.String())
	}
	return string(out)
}
