package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/rogpeppe/go-internal/testscript"
	bolt "go.etcd.io/bbolt"
)

// screenBound is how long waitscreen reads a tmux screen for what it waits for: a hang
// bound, not a timing goal.
const screenBound = 20 * time.Second

var heldLocks sync.Map // *testscript.TestScript -> *bolt.DB

// lockScriptCommands let a script hold the wallet's lock from another process (the test
// process), the way a second paspor would.
func lockScriptCommands() map[string]func(ts *testscript.TestScript, neg bool, args []string) {
	return map[string]func(ts *testscript.TestScript, neg bool, args []string){
		// holdlock WALLET: open the wallet file read-write and keep its exclusive lock.
		"holdlock": func(ts *testscript.TestScript, neg bool, args []string) {
			if neg || len(args) != 1 {
				ts.Fatalf("usage: holdlock WALLET")
			}
			db, err := bolt.Open(ts.MkAbs(args[0]), 0o600, nil)
			ts.Check(err)
			heldLocks.Store(ts, db)
			ts.Defer(func() { db.Close() })
		},
		// waitscreen SOCKET PANE REGEXP: wait until the tmux pane shows a line matching REGEXP
		// (a prompt: the handshake that the process behind it has reached it). It reads the
		// screen until then, failing after screenBound.
		"waitscreen": func(ts *testscript.TestScript, neg bool, args []string) {
			if neg || len(args) != 3 {
				ts.Fatalf("usage: waitscreen SOCKET PANE REGEXP")
			}
			re, err := regexp.Compile("(?m)" + args[2])
			ts.Check(err)
			deadline := time.Now().Add(screenBound)
			for {
				screen, err := exec.Command("tmux", "-S", ts.MkAbs(args[0]), "capture-pane", "-p", "-t", args[1]).Output()
				ts.Check(err)
				if re.Match(screen) {
					return
				}
				if time.Now().After(deadline) {
					ts.Fatalf("after %s the screen still shows no %q:\n%s", screenBound, args[2], screen)
				}
				time.Sleep(20 * time.Millisecond)
			}
		},
		// waitopen FILE N: wait until N processes other than this one have FILE open (each
		// paspor started with & has reached the wallet and, while the lock is held, waits).
		"waitopen": func(ts *testscript.TestScript, neg bool, args []string) {
			if neg || len(args) != 2 {
				ts.Fatalf("usage: waitopen FILE N")
			}
			n, err := strconv.Atoi(args[1])
			ts.Check(err)
			ts.Check(waitOpenElsewhere(ts.MkAbs(args[0]), n, screenBound))
		},
		// releaselock: let go of the lock holdlock took.
		"releaselock": func(ts *testscript.TestScript, neg bool, args []string) {
			if db, ok := heldLocks.LoadAndDelete(ts); ok {
				ts.Check(db.(*bolt.DB).Close())
			}
		},
	}
}

// waitOpenElsewhere waits until n processes other than this one have path open, reading
// /proc/PID/fd; it gives up after bound.
func waitOpenElsewhere(path string, n int, bound time.Duration) error {
	path, err := filepath.EvalSymlinks(path)
	if err != nil {
		return err
	}
	self := strconv.Itoa(os.Getpid())
	deadline := time.Now().Add(bound)
	for {
		fds, _ := filepath.Glob("/proc/[0-9]*/fd/*")
		pids := map[string]bool{}
		for _, fd := range fds {
			pid := strings.Split(fd, "/")[2]
			if pid == self {
				continue
			}
			if target, err := os.Readlink(fd); err == nil && target == path {
				pids[pid] = true
			}
		}
		if len(pids) >= n {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("after %s %d other processes have %s open, not %d", bound, len(pids), path, n)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
