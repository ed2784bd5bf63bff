package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/paspor/paspor/internal/testenv"
)

// progPackages names the Debian package of each external program the bundle scripts use,
// for the skip hint.
var progPackages = map[string]string{
	"age": "age", "age-keygen": "age", "ssh-keygen": "openssh-client",
	"tar": "tar", "sha256sum": "coreutils", "go": "golang", "tmux": "tmux",
}

// bundleScriptCommands are the script helpers of the bundle scripts (share, open, partner).
func bundleScriptCommands() map[string]func(ts *testscript.TestScript, neg bool, args []string) {
	return map[string]func(ts *testscript.TestScript, neg bool, args []string){
		// needprog PROG...: in CI (CI=true) fail when a program is missing, since CI must run
		// every script; elsewhere do nothing, so the `[!exec:PROG] skip` line after it skips:
		//	[!exec:age] needprog age
		//	[!exec:age] skip 'apt-get install age'
		"needprog": func(ts *testscript.TestScript, neg bool, args []string) {
			if neg || len(args) == 0 {
				ts.Fatalf("usage: needprog PROG...")
			}
			for _, p := range args {
				if _, err := exec.LookPath(p); err != nil && testenv.InCI() {
					ts.Fatalf("%s is missing (apt-get install %s); CI runs every script, nothing may skip", p, progPackages[p])
				}
			}
		},
		// needage13: install age v1.3 (hybrid age1pq1 keys) as $WORK/bin/age13 from the version
		// of filippo.io/age in go.mod, and put $WORK/bin first on PATH.
		"needage13": func(ts *testscript.TestScript, neg bool, args []string) {
			if neg || len(args) != 0 {
				ts.Fatalf("usage: needage13")
			}
			installAge13(ts)
		},
		// truncfile SRC DST N: write the first N bytes of SRC to DST (N < 0: all but the last -N).
		"truncfile": func(ts *testscript.TestScript, neg bool, args []string) {
			if neg || len(args) != 3 {
				ts.Fatalf("usage: truncfile SRC DST N")
			}
			data := []byte(ts.ReadFile(args[0]))
			n, err := strconv.Atoi(args[2])
			ts.Check(err)
			if n < 0 {
				n += len(data)
			}
			if n < 0 || n > len(data) {
				ts.Fatalf("truncfile: %s has %d bytes", args[0], len(data))
			}
			ts.Check(os.WriteFile(ts.MkAbs(args[1]), data[:n], 0o600))
		},
		// readvar VAR FILE: set $VAR to FILE's content without the final newline, like "$(cat FILE)".
		"readvar": func(ts *testscript.TestScript, neg bool, args []string) {
			if neg || len(args) != 2 {
				ts.Fatalf("usage: readvar VAR FILE")
			}
			ts.Setenv(args[0], strings.TrimRight(ts.ReadFile(args[1]), "\n"))
		},
		// direntries DIR NAME...: DIR holds exactly these entries, hidden ones included (no
		// temporary file or folder left behind).
		"direntries": func(ts *testscript.TestScript, neg bool, args []string) {
			if neg || len(args) < 1 {
				ts.Fatalf("usage: direntries DIR NAME...")
			}
			entries, err := os.ReadDir(ts.MkAbs(args[0]))
			ts.Check(err)
			var got []string
			for _, e := range entries {
				got = append(got, e.Name())
			}
			want := slices.Sorted(slices.Values(args[1:]))
			if !slices.Equal(got, want) {
				ts.Fatalf("%s holds %q, want %q", args[0], got, want)
			}
		},
		// streq A B: the two strings are equal (with !: they differ).
		"streq": func(ts *testscript.TestScript, neg bool, args []string) {
			if len(args) != 2 {
				ts.Fatalf("usage: streq A B")
			}
			if (args[0] == args[1]) == neg {
				ts.Fatalf("%q and %q: equal is %v", args[0], args[1], !neg)
			}
		},
		// mkfile FILE LINE...: write the lines to FILE (0600), each ended by a newline.
		"mkfile": func(ts *testscript.TestScript, neg bool, args []string) {
			if neg || len(args) < 1 {
				ts.Fatalf("usage: mkfile FILE LINE...")
			}
			var b strings.Builder
			for _, l := range args[1:] {
				b.WriteString(l + "\n")
			}
			ts.Check(os.WriteFile(ts.MkAbs(args[0]), []byte(b.String()), 0o600))
		},
		// fileprefix FILE STRING: FILE begins with STRING.
		"fileprefix": func(ts *testscript.TestScript, neg bool, args []string) {
			if len(args) != 2 {
				ts.Fatalf("usage: fileprefix FILE STRING")
			}
			has := strings.HasPrefix(ts.ReadFile(args[0]), args[1])
			if has && neg {
				ts.Fatalf("%s begins with %q", args[0], args[1])
			}
			if !has && !neg {
				ts.Fatalf("%s does not begin with %q", args[0], args[1])
			}
		},
		// hasbytes PATH STRING: succeed if a file at or under PATH contains STRING (with !:
		// fail naming the file that does). Every byte of every regular file is searched.
		"hasbytes": func(ts *testscript.TestScript, neg bool, args []string) {
			if len(args) != 2 {
				ts.Fatalf("usage: hasbytes PATH STRING")
			}
			found := ""
			err := filepath.WalkDir(ts.MkAbs(args[0]), func(p string, d os.DirEntry, err error) error {
				if err != nil || !d.Type().IsRegular() || found != "" {
					return err
				}
				data, err := os.ReadFile(p)
				if err == nil && strings.Contains(string(data), args[1]) {
					found = p
				}
				return err
			})
			ts.Check(err)
			if found != "" && neg {
				ts.Fatalf("%s contains %q", found, args[1])
			}
			if found == "" && !neg {
				ts.Fatalf("nothing under %s contains %q", args[0], args[1])
			}
		},
	}
}

// installAge13 builds age at the version go.mod requires with `go install pkg@version`,
// which uses age's own go.mod (the repository's go.sum does not cover age's commands).
// The Go build cache makes it about a second after the first time.
func installAge13(ts *testscript.TestScript) {
	bin := ts.MkAbs("bin")
	if _, err := testenv.InstallAge13(bin, "age13"); err != nil {
		ts.Fatalf("%v", err)
	}
	ts.Setenv("PATH", bin+string(filepath.ListSeparator)+ts.Getenv("PATH"))
}
