package main

import (
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"
)

func TestMain(m *testing.M) {
	testscript.Main(cleanupM{m}, map[string]func(){"paspor": func() {
		// PASPOR_TEST_NOW is the clock knob of the test binary only; paspor itself ignores it.
		if v := os.Getenv("PASPOR_TEST_NOW"); v != "" {
			now, err := time.Parse(time.RFC3339, v)
			if err != nil {
				panic("PASPOR_TEST_NOW is not an RFC 3339 time: " + v)
			}
			testOnlyNow = now
		}
		if v := os.Getenv("PASPOR_TEST_SCRYPT_WORK_FACTOR"); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil {
				panic("PASPOR_TEST_SCRYPT_WORK_FACTOR is not a number: " + v)
			}
			testOnlyScryptWorkFactor = n
		}
		os.Exit(main1())
	}})
}

// scriptSetup gives every script a private HOME and XDG folders, a cheap KDF through the
// files it creates, and no ambient paspor configuration.
func scriptSetup(env *testscript.Env) error {
	home := filepath.Join(env.WorkDir, "home")
	for _, kv := range [][2]string{
		{"HOME", home},
		{"XDG_DATA_HOME", filepath.Join(home, ".local", "share")},
		{"XDG_CONFIG_HOME", filepath.Join(home, ".config")},
		{"PASPOR_WALLET", ""}, {"PASPOR_PASSPHRASE", ""}, {"PASPOR_PASSPHRASE_FILE", ""},
		{"PASPOR_FACTOR_FILE", ""}, {"PASPOR_NEW_PASSPHRASE_FILE", ""},
		{"NO_COLOR", "1"}, {"GOMEMLIMIT", ""},
	} {
		env.Setenv(kv[0], kv[1])
	}
	return os.MkdirAll(home, 0o700)
}

// TestScripts runs every cmd/paspor/testdata/*.txtar: the CLI's behaviour, one concern a
// script, failure paths included. UPDATE_SCRIPTS=1 rewrites their golden output.
func TestScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir:                 "testdata",
		Setup:               scriptSetup,
		RequireExplicitExec: true,
		UpdateScripts:       os.Getenv("UPDATE_SCRIPTS") == "1",
		Cmds:                allScriptCommands(),
		Condition:           allScriptConditions,
	})
}

func allScriptCommands() map[string]func(ts *testscript.TestScript, neg bool, args []string) {
	cmds := scriptCommands()
	for name, fn := range merge(bundleScriptCommands(), partnerScriptCommands(), keyringScriptCommands(), lockScriptCommands(), jsonScriptCommands(), telegramScriptCommands(), scanScriptCommands(), installScriptCommands(), backupScriptCommands(), requestScriptCommands()) {
		if _, dup := cmds[name]; dup {
			panic("script command defined twice: " + name)
		}
		cmds[name] = fn
	}
	return cmds
}

func merge(maps ...map[string]func(ts *testscript.TestScript, neg bool, args []string)) map[string]func(ts *testscript.TestScript, neg bool, args []string) {
	out := map[string]func(ts *testscript.TestScript, neg bool, args []string){}
	for _, m := range maps {
		for k, v := range m {
			if _, dup := out[k]; dup {
				panic("script command defined twice: " + k)
			}
			out[k] = v
		}
	}
	return out
}
