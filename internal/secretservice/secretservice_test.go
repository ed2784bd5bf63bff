package secretservice

import (
	"bytes"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/paspor/paspor/internal/testenv"
)

func TestRunPattern(t *testing.T) {
	for name, want := range map[string]string{
		"TestA":          "^TestA$",
		"TestA/sub_1":    "^TestA$/^sub_1$",
		"TestA/x.y#01":   `^TestA$/^x\.y#01$`,
		"TestA/b/(c)+[]": `^TestA$/^b$/^\(c\)\+\[\]$`,
	} {
		if got := runPattern(name); got != want {
			t.Errorf("runPattern(%q) = %q, want %q", name, got, want)
		}
	}
}

func TestPrefixWriter(t *testing.T) {
	var buf bytes.Buffer
	w := &prefixWriter{w: &buf, prefix: "| "}
	w.Write([]byte("--- PASS: a\npart"))
	w.Write([]byte("ial\nlast"))
	w.flush()
	if want := "| --- PASS: a\n| partial\n| last\n"; buf.String() != want {
		t.Errorf("got %q, want %q", buf.String(), want)
	}
}

// TestRequire is the harness checking itself: inside, the keyring is private and usable.
func TestRequire(t *testing.T) {
	if !Require(t) {
		return
	}
	home := os.Getenv("HOME")
	if !strings.Contains(home, "paspor-secret-service.") {
		t.Errorf("HOME = %q, want a fresh folder from the harness", home)
	}
	if !strings.Contains(strings.Join(Env(), " "), "DBUS_SESSION_BUS_ADDRESS=") {
		t.Errorf("Env() = %q lacks the bus address", Env())
	}
	testenv.RequireProgram(t, "secret-tool", "apt-get install libsecret-tools")
	store := exec.Command("secret-tool", "store", "--label=harness", "service", "paspor-harness", "username", "u")
	store.Stdin = strings.NewReader("v")
	if out, err := store.CombinedOutput(); err != nil {
		t.Fatalf("secret-tool store: %v: %s", err, out)
	}
	out, err := exec.Command("secret-tool", "lookup", "service", "paspor-harness", "username", "u").Output()
	if err != nil || string(out) != "v" {
		t.Fatalf("secret-tool lookup = %q, %v", out, err)
	}
	t.Log("secret-tool stored and found an item without a prompt")
}

// TestRequireReportsChildFailure checks that a test failing under the harness fails its
// parent. The test is its own child: run again with PASPOR_SECRETSERVICE_HELPER=1, it enters
// the harness and fails on purpose, and the parent checks that the failure came back out.
func TestRequireReportsChildFailure(t *testing.T) {
	if os.Getenv("PASPOR_SECRETSERVICE_HELPER") == "1" {
		if Require(t) {
			t.Fatal("deliberate failure inside the harness")
		}
		return
	}
	if os.Getenv(EnvReady) == "1" {
		t.Skip("already inside the harness")
	}
	for _, prog := range requiredPrograms {
		testenv.RequireProgram(t, prog, "apt-get install gnome-keyring dbus dbus-x11")
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestRequireReportsChildFailure$", "-test.v")
	cmd.Env = append(os.Environ(), "PASPOR_SECRETSERVICE_HELPER=1")
	out, err := cmd.CombinedOutput()
	if err == nil {
		t.Fatalf("the parent passed although its child failed:\n%s", out)
	}
	for _, want := range []string{"| --- FAIL: TestRequireReportsChildFailure", "deliberate failure", "failed against the real Secret Service"} {
		if !bytes.Contains(out, []byte(want)) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}
