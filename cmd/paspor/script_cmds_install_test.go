package main

import (
	"os"
	"strings"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/paspor/paspor/internal/testenv"
)

// installScriptCommands are the script helpers of the completion, man page and install
// scripts, which need shells and man tools that a minimal machine may lack.
func installScriptCommands() map[string]func(ts *testscript.TestScript, neg bool, args []string) {
	return map[string]func(ts *testscript.TestScript, neg bool, args []string){
		// needpkg PACKAGE: under CI=true fail, since CI must run every script; elsewhere do
		// nothing, so that the skip after it runs. Use it behind the condition it answers:
		//	[!file:/usr/share/bash-completion/bash_completion] needpkg bash-completion
		//	[!file:/usr/share/bash-completion/bash_completion] skip 'apt-get install bash-completion'
		"needpkg": func(ts *testscript.TestScript, neg bool, args []string) {
			if neg || len(args) != 1 {
				ts.Fatalf("usage: needpkg PACKAGE")
			}
			if testenv.InCI() {
				ts.Fatalf("package %s is missing (apt-get install %s); CI runs every script, nothing may skip", args[0], args[0])
			}
		},
	}
}

// allScriptConditions answers the scripts' own conditions: [file:PATH] holds when PATH
// exists; the others are scriptCondition's.
func allScriptConditions(cond string) (bool, error) {
	if path, ok := strings.CutPrefix(cond, "file:"); ok {
		_, err := os.Stat(path)
		return err == nil, nil
	}
	return scriptCondition(cond)
}
