package main

import (
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/paspor/paspor/internal/secretservice"
)

// TestScriptsRealKeyring runs cmd/paspor/testdata/keyring/*.txtar against a real Secret
// Service (a private gnome-keyring on a private bus): init without --factor-file stores the
// device secret there, later commands unlock with it, and losing it is repaired by recover.
func TestScriptsRealKeyring(t *testing.T) {
	if !secretservice.Require(t) {
		return
	}
	for _, prog := range []string{"secret-tool"} {
		if _, err := exec.LookPath(prog); err != nil {
			if os.Getenv("CI") == "true" {
				t.Fatalf("%s is missing and CI must not skip: apt-get install libsecret-tools", prog)
			}
			t.Skipf("SKIP: %s not found: apt-get install libsecret-tools", prog)
		}
	}
	testscript.Run(t, testscript.Params{
		Dir: "testdata/keyring",
		Setup: func(env *testscript.Env) error {
			if err := scriptSetup(env); err != nil {
				return err
			}
			env.Vars = append(env.Vars, secretservice.Env()...)
			return nil
		},
		RequireExplicitExec: true,
		Cmds:                allScriptCommands(),
	})
}

// keyringScriptCommands reach the keyring with secret-tool, an independent client.
func keyringScriptCommands() map[string]func(ts *testscript.TestScript, neg bool, args []string) {
	lookup := func(ts *testscript.TestScript, idFile string) (string, error) {
		id := strings.TrimSpace(ts.ReadFile(idFile))
		cmd := exec.Command("secret-tool", "lookup", "service", "paspor", "username", id)
		cmd.Env = keyringEnv(ts)
		out, err := cmd.Output()
		return string(out), err
	}
	return map[string]func(ts *testscript.TestScript, neg bool, args []string){
		// keyring-has IDFILE: the keyring holds a paspor entry for the wallet ID in IDFILE.
		"keyring-has": func(ts *testscript.TestScript, neg bool, args []string) {
			if len(args) != 1 {
				ts.Fatalf("usage: keyring-has IDFILE")
			}
			out, err := lookup(ts, args[0])
			found := err == nil && strings.TrimSpace(out) != ""
			if found == neg {
				ts.Fatalf("keyring entry present: %v", found)
			}
		},
		// keyring-delete IDFILE: remove the wallet's entry, as a wiped keyring would.
		"keyring-delete": func(ts *testscript.TestScript, neg bool, args []string) {
			if neg || len(args) != 1 {
				ts.Fatalf("usage: keyring-delete IDFILE")
			}
			id := strings.TrimSpace(ts.ReadFile(args[0]))
			cmd := exec.Command("secret-tool", "clear", "service", "paspor", "username", id)
			cmd.Env = keyringEnv(ts)
			if out, err := cmd.CombinedOutput(); err != nil {
				ts.Fatalf("secret-tool clear: %v: %s", err, out)
			}
		},
	}
}

func keyringEnv(ts *testscript.TestScript) []string {
	env := append(os.Environ(), secretservice.Env()...)
	return append(env, "HOME="+ts.Getenv("HOME"))
}
