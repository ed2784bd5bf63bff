package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
)

// event is one line of `go test -json` (cmd/test2json).
type event struct {
	Action  string
	Package string
	Test    string
	Output  string
}

// skip is one skipped test and the reason its output gave.
type skip struct{ pkg, test, reason string }

// summary is what a run came to.
type summary struct {
	skips    []skip
	failed   int // tests and packages that failed
	packages int // packages with a result
}

func main() {
	s, err := summarize(os.Stdin, os.Stdout)
	if err != nil {
		fmt.Fprintf(os.Stderr, "skipsummary: error: %v\n", err)
		os.Exit(1)
	}
	os.Exit(report(os.Stdout, s, os.Getenv("CI") == "true"))
}

// summarize copies what a person needs from the event stream in to out and collects skips.
func summarize(in io.Reader, out io.Writer) (*summary, error) {
	s := &summary{}
	buffered := map[string][]string{} // package + test -> output lines, printed if it fails
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 0, 64<<10), 16<<20)
	for sc.Scan() {
		line := sc.Bytes()
		var e event
		if len(line) == 0 || line[0] != '{' || json.Unmarshal(line, &e) != nil {
			fmt.Fprintf(out, "%s\n", line) // not an event (go vet, build errors): pass it on
			continue
		}
		key := e.Package + "\x00" + e.Test
		switch {
		case e.Action == "output" && e.Test != "":
			buffered[key] = append(buffered[key], e.Output)
		case e.Action == "output" || e.Action == "build-output":
			if !strings.HasPrefix(e.Output, "=== ") && e.Output != "PASS\n" {
				fmt.Fprint(out, e.Output)
			}
		case e.Action == "skip" && e.Test != "":
			s.skips = append(s.skips, skip{e.Package, e.Test, skipReason(buffered[key])})
			delete(buffered, key)
		case e.Action == "fail" && e.Test != "":
			s.failed++
			fmt.Fprint(out, strings.Join(buffered[key], ""))
			delete(buffered, key)
		case e.Action == "pass" && e.Test != "":
			delete(buffered, key)
		case e.Test == "" && (e.Action == "pass" || e.Action == "fail" || e.Action == "skip"):
			s.packages++
			if e.Action == "fail" {
				s.failed++
			}
		}
	}
	return s, sc.Err()
}

// skipReason is the message t.Skip printed: the last output line that is not go test's own
// bookkeeping.
func skipReason(lines []string) string {
	for i := len(lines) - 1; i >= 0; i-- {
		l := strings.TrimSpace(lines[i])
		if l == "" || strings.HasPrefix(l, "=== ") || strings.HasPrefix(l, "--- ") {
			continue
		}
		return l
	}
	return "(no reason given)"
}

// report prints the skip list and returns the exit code.
func report(out io.Writer, s *summary, ci bool) int {
	sort.Slice(s.skips, func(i, j int) bool {
		if s.skips[i].pkg != s.skips[j].pkg {
			return s.skips[i].pkg < s.skips[j].pkg
		}
		return s.skips[i].test < s.skips[j].test
	})
	fmt.Fprintf(out, "\nskipped: %d test(s)\n", len(s.skips))
	for _, k := range s.skips {
		fmt.Fprintf(out, "  SKIP %s %s: %s\n", k.pkg, k.test, k.reason)
	}
	code := 0
	if s.packages == 0 {
		fmt.Fprintln(out, "skipsummary: no test results in the input")
		code = 1
	}
	if s.failed > 0 {
		code = 1
	}
	if ci && len(s.skips) > 0 {
		fmt.Fprintf(out, "skipsummary: CI=true and %d test(s) skipped: CI must run every test\n", len(s.skips))
		code = 1
	}
	return code
}
