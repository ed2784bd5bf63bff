package main

import (
	"bufio"
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/godbus/dbus/v5"

	"github.com/paspor/paspor/internal/testenv"
)

// Support for keyring_faults_test.go: private buses, a D-Bus name owner that never answers,
// and the search for processes the tests left running.

// faultMarkVar marks every process the keyring-fault tests start. Buses, daemons and the
// services a bus activates inherit it, so strays are found by their environment even while
// other tests on the machine run dbus-daemons and gnome-keyrings of their own.
const faultMarkVar = "PASPOR_KEYRING_FAULT_MARK"

// privateBusConfig is a session bus with no service directories. The stock session config
// lists /usr/share/dbus-1/services, whose org.freedesktop.secrets.service starts
// gnome-keyring-daemon on the first call (seen on Debian 12 with gnome-keyring 42.1: paspor
// then got "failed to unlock correct collection" from a fresh, keyring-less daemon), so a bus
// without a Secret Service must be one that cannot activate any.
const privateBusConfig = `<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:dir=%s</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
`

// newFaultMark returns a value for faultMarkVar unique to one test.
func newFaultMark(t *testing.T) string {
	t.Helper()
	b := make([]byte, 8)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(b)
}

// writePrivateBusConfig writes privateBusConfig into dir, listening there, and returns its path.
func writePrivateBusConfig(t *testing.T, dir string) string {
	t.Helper()
	conf := filepath.Join(dir, "bus.conf")
	if err := os.WriteFile(conf, []byte(fmt.Sprintf(privateBusConfig, dir)), 0o600); err != nil {
		t.Fatal(err)
	}
	return conf
}

// startPrivateBus runs a dbus-daemon with privateBusConfig and returns its address; the
// daemon is killed when the test ends.
func startPrivateBus(t *testing.T, env []string) string {
	t.Helper()
	dir := t.TempDir()
	cmd := exec.Command("dbus-daemon", "--config-file="+writePrivateBusConfig(t, dir), "--nofork", "--print-address=1")
	cmd.Env = env
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatalf("dbus-daemon: %v", err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	line := make(chan string, 1)
	go func() {
		s, _ := bufio.NewReader(stdout).ReadString('\n')
		line <- strings.TrimSpace(s)
	}()
	select {
	case addr := <-line:
		if addr == "" {
			t.Fatal("dbus-daemon printed no address")
		}
		return addr
	case <-time.After(10 * time.Second):
		t.Fatal("dbus-daemon did not print its address within 10 s")
	}
	return ""
}

// ownSilently connects to the bus at addr and owns name, answering no call made to it, not
// even with an error: a service that hangs, as one waiting on a prompt does. It lets go when
// the test ends. calls reports how many calls it has left unanswered, so that a test can tell
// the stall it measured is this one.
func ownSilently(t *testing.T, addr, name string) (calls func() int64) {
	t.Helper()
	h := silentHandler{release: make(chan struct{}), calls: new(atomic.Int64)}
	conn, err := dbus.Connect(addr, dbus.WithHandler(h))
	if err != nil {
		t.Fatalf("connect to %s: %v", addr, err)
	}
	t.Cleanup(func() {
		close(h.release)
		conn.Close()
	})
	reply, err := conn.RequestName(name, dbus.NameFlagDoNotQueue)
	if err != nil || reply != dbus.RequestNameReplyPrimaryOwner {
		t.Fatalf("request name %s: reply %v, %v", name, reply, err)
	}
	return h.calls.Load
}

// silentHandler stands in for godbus's object table. godbus asks it about every incoming
// call (on a goroutine per call) and would send an error reply for an unknown object; the
// lookup blocks until the test ends instead, so the caller waits for a reply that never comes.
type silentHandler struct {
	release chan struct{}
	calls   *atomic.Int64
}

func (h silentHandler) LookupObject(dbus.ObjectPath) (dbus.ServerObject, bool) {
	h.calls.Add(1)
	<-h.release
	return nil, false
}

// markedProc is a live process carrying the fault mark.
type markedProc struct {
	pid  int
	comm string
}

func (p markedProc) String() string { return fmt.Sprintf("%s (pid %d)", p.comm, p.pid) }

// requireMarked fails the test unless a live process named comm carries mark: without that
// proof, a stray check that finds nothing would prove nothing.
func requireMarked(t *testing.T, mark, comm string) {
	t.Helper()
	for _, p := range markedProcesses(mark) {
		if p.comm == comm {
			return
		}
	}
	t.Fatalf("no running %s carries the fault mark: the stray check cannot see this test's processes", comm)
}

// markedProcesses lists the live (not zombie) processes, other than this one, whose
// environment holds faultMarkVar=mark. Zombies are left out: a daemon that exited but whose
// new parent has not reaped it yet is not running.
func markedProcesses(mark string) []markedProc {
	needle := []byte(faultMarkVar + "=" + mark + "\x00")
	entries, _ := os.ReadDir("/proc")
	var procs []markedProc
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil || pid == os.Getpid() {
			continue
		}
		environ, err := os.ReadFile(filepath.Join("/proc", e.Name(), "environ"))
		if err != nil || !bytes.Contains(append(environ, 0), needle) {
			continue
		}
		stat, err := os.ReadFile(filepath.Join("/proc", e.Name(), "stat"))
		if err != nil {
			continue
		}
		open, end := bytes.IndexByte(stat, '('), bytes.LastIndexByte(stat, ')')
		if open < 0 || end < open || end+2 >= len(stat) {
			continue
		}
		if state := stat[end+2]; state == 'Z' || state == 'X' {
			continue
		}
		procs = append(procs, markedProc{pid: pid, comm: string(stat[open+1 : end])})
	}
	return procs
}

// checkNoStrays fails the test if processes it started (those carrying mark and matching
// keep, when given) are still running a few seconds after the fault: a bus, a keyring daemon
// or a prompter left behind. It kills them, as they are the test's own.
func checkNoStrays(t *testing.T, mark string, keep func(markedProc) bool) {
	t.Helper()
	var left []markedProc
	for deadline := time.Now().Add(3 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		left = left[:0]
		for _, p := range markedProcesses(mark) {
			if keep == nil || keep(p) {
				left = append(left, p)
			}
		}
		if len(left) == 0 || time.Now().After(deadline) {
			break
		}
	}
	if len(left) > 0 {
		t.Errorf("still running after the test: %v", left)
		for _, p := range left {
			_ = syscall.Kill(p.pid, syscall.SIGKILL)
		}
	}
}

// requireFaultPrograms skips the test, loudly, when a program it needs is missing, and fails
// it instead under CI=true, where every keyring test must run.
func requireFaultPrograms(t *testing.T, progs ...string) {
	t.Helper()
	for _, prog := range progs {
		testenv.RequireProgram(t, prog, "apt-get install gnome-keyring dbus dbus-x11")
	}
}
