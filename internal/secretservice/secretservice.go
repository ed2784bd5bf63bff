package secretservice

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// EnvReady is set to "1" by scripts/with-secret-service once the private keyring is unlocked.
const EnvReady = "PASPOR_TEST_SECRET_SERVICE"

// envChild marks a re-executed child, so that a harness that failed to set EnvReady makes the
// child fail instead of re-executing itself forever.
const envChild = "PASPOR_TEST_SECRET_SERVICE_CHILD"

// ScriptName is the harness script's path relative to the repository root.
const ScriptName = "scripts/with-secret-service"

// installHint tells a developer what is missing; it is also the skip message.
const installHint = "SKIP: real Secret Service test needs gnome-keyring and dbus: apt-get install gnome-keyring dbus dbus-x11"

// requiredPrograms are what the harness script runs.
var requiredPrograms = []string{"bash", "dbus-run-session", "gnome-keyring-daemon", "dbus-send"}

// Require makes the calling test run against a private, unlocked gnome-keyring. It returns true
// when the current process is inside the harness and the test should go on; false when the test
// already ran in a child process, whose result is now the parent's: the caller must return.
// See the package documentation for the three cases.
func Require(t testing.TB) bool {
	t.Helper()
	if os.Getenv(EnvReady) == "1" {
		return true
	}
	if os.Getenv(envChild) == "1" {
		t.Fatalf("secretservice: running under %s but %s is not set: the harness is broken", ScriptName, EnvReady)
	}
	for _, prog := range requiredPrograms {
		if _, err := exec.LookPath(prog); err != nil {
			if os.Getenv("CI") == "true" {
				t.Fatalf("%s is missing and CI must not skip this test: apt-get install gnome-keyring dbus dbus-x11", prog)
			}
			t.Skipf("%s (%s not found)", installHint, prog)
		}
	}
	script, err := ScriptPath()
	if err != nil {
		t.Fatalf("secretservice: %v", err)
	}
	runChild(t, script)
	return false
}

// runChild re-runs the current test under the harness script and fails t if the child fails.
func runChild(t testing.TB, script string) {
	t.Helper()
	args := []string{os.Args[0], "-test.run=" + runPattern(t.Name()), "-test.count=1"}
	if testing.Verbose() {
		args = append(args, "-test.v")
	}
	ctx := t.Context()
	if d, ok := t.(interface{ Deadline() (time.Time, bool) }); ok {
		if deadline, ok := d.Deadline(); ok {
			var cancel context.CancelFunc
			ctx, cancel = context.WithDeadline(ctx, deadline)
			defer cancel()
			// A little less than ours, so that the child's timeout panic (with its stacks)
			// reaches the log before the context kills it.
			if left := time.Until(deadline) * 9 / 10; left > time.Second {
				args = append(args, "-test.timeout="+left.Truncate(time.Second).String())
			}
		}
	}
	cmd := exec.CommandContext(ctx, script, args...)
	cmd.Env = append(os.Environ(), envChild+"=1")
	// One writer for both streams: exec then copies them on a single goroutine, in order.
	out := &prefixWriter{w: t.Output(), prefix: "| "}
	cmd.Stdout = out
	cmd.Stderr = out
	cmd.WaitDelay = 5 * time.Second // a daemon holding the pipes open must not hang the test
	t.Logf("secretservice: re-running %s under %s (private gnome-keyring, fresh HOME)", t.Name(), ScriptName)
	err := cmd.Run()
	out.flush()
	if err != nil {
		t.Fatalf("secretservice: %s failed against the real Secret Service: %v", t.Name(), err)
	}
}

// runPattern builds a -test.run value matching exactly the test called name, including the
// path of a subtest ("Parent/sub" becomes "^Parent$/^sub$").
func runPattern(name string) string {
	parts := strings.Split(name, "/")
	for i, p := range parts {
		parts[i] = "^" + regexp.QuoteMeta(p) + "$"
	}
	return strings.Join(parts, "/")
}

// ScriptPath returns the absolute path of scripts/with-secret-service, found by walking up from
// the working directory (the package folder under go test) to the folder holding go.mod.
func ScriptPath() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", fmt.Errorf("failed to find %s: %w", ScriptName, err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			script := filepath.Join(dir, filepath.FromSlash(ScriptName))
			if _, err := os.Stat(script); err != nil {
				return "", fmt.Errorf("failed to find %s: %w", ScriptName, err)
			}
			return script, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("failed to find " + ScriptName + ": no go.mod above the working directory")
		}
		dir = parent
	}
}

// Env returns the variables a child process needs to reach the private keyring, as
// "NAME=value" pairs; for environments built from scratch, such as testscript's.
func Env() []string {
	var env []string
	for _, name := range []string{
		"DBUS_SESSION_BUS_ADDRESS", "XDG_RUNTIME_DIR", "GNOME_KEYRING_CONTROL", EnvReady,
	} {
		if v, ok := os.LookupEnv(name); ok {
			env = append(env, name+"="+v)
		}
	}
	return env
}

// prefixWriter prefixes every line, so that the child's own "=== RUN" and "--- PASS" lines
// are not mistaken by go test (test2json) for the parent's events.
type prefixWriter struct {
	mu      sync.Mutex
	w       interface{ Write([]byte) (int, error) }
	prefix  string
	partial []byte
}

func (p *prefixWriter) Write(b []byte) (int, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.partial = append(p.partial, b...)
	for {
		i := bytes.IndexByte(p.partial, '\n')
		if i < 0 {
			break
		}
		if _, err := fmt.Fprintf(p.w, "%s%s\n", p.prefix, p.partial[:i]); err != nil {
			return 0, err
		}
		p.partial = p.partial[i+1:]
	}
	return len(b), nil
}

// flush writes a last line that had no newline.
func (p *prefixWriter) flush() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.partial) > 0 {
		fmt.Fprintf(p.w, "%s%s\n", p.prefix, p.partial)
		p.partial = nil
	}
}
