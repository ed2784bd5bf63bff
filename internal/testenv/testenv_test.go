package testenv

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

// The skip-or-fail rule is checked in a child process: one run with CI unset must skip, one
// with CI=true must fail, both naming the install command.
func TestRequireProgram(t *testing.T) {
	if os.Getenv("PASPOR_TESTENV_CHILD") == "1" {
		RequireProgram(t, "paspor-no-such-program", "apt-get install paspor-no-such-package")
		t.Fatal("RequireProgram returned for a missing program")
	}
	if got := RequireProgram(t, "sh", "apt-get install dash"); got == "" {
		t.Fatal("RequireProgram(sh) returned no path")
	}
	for _, tt := range []struct {
		ci       string
		wantFail bool
		want     string
	}{
		{"", false, "--- SKIP: TestRequireProgram"},
		{"true", true, "--- FAIL: TestRequireProgram"},
	} {
		cmd := exec.Command(os.Args[0], "-test.run=^TestRequireProgram$", "-test.v")
		cmd.Env = append(os.Environ(), "PASPOR_TESTENV_CHILD=1", "CI="+tt.ci)
		out, err := cmd.CombinedOutput()
		if (err != nil) != tt.wantFail {
			t.Errorf("CI=%q: err %v, want failure %v:\n%s", tt.ci, err, tt.wantFail, out)
		}
		for _, w := range []string{tt.want, "apt-get install paspor-no-such-package"} {
			if !strings.Contains(string(out), w) {
				t.Errorf("CI=%q: output lacks %q:\n%s", tt.ci, w, out)
			}
		}
	}
}

func TestAgeModuleVersion(t *testing.T) {
	v, err := AgeModuleVersion()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(v, "v1.3.") {
		t.Fatalf("version %q", v)
	}
}
