package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"time"
)

// call is one run of the paspor binary.
type call struct {
	args       []string
	passFile   string        // "" means the model's current passphrase
	factorFile string        // "" means the wallet's key file
	killAfter  time.Duration // 0 means let it finish
	// killOnFile, when set, starts the kill clock only once this file exists (an event of
	// the command's own, such as the staged key file), so the kill lands in a chosen window.
	killOnFile string
}

// result is how a run ended.
type result struct {
	code           int  // exit code; -1 when killed
	killed         bool // SIGKILL landed before the process exited on its own
	stdout, stderr []byte
	took           time.Duration
}

func (res result) String() string {
	if res.killed {
		return fmt.Sprintf("killed after %v", res.took.Round(time.Millisecond))
	}
	return fmt.Sprintf("exit %d after %v: %s", res.code, res.took.Round(time.Millisecond),
		strings.TrimSpace(string(res.stderr)))
}

// childEnv is the environment without the caller's PASPOR_* settings, so that only the
// flags this program passes decide which wallet, passphrase and factor a child uses.
func childEnv(home string) []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "PASPOR_") && !strings.HasPrefix(kv, "HOME=") {
			env = append(env, kv)
		}
	}
	return append(env, "HOME="+home, "NO_COLOR=1")
}

// paspor runs the binary with the wallet's global flags. With killAfter set it sends
// SIGKILL to that one child after the delay, unless it has exited by then.
func (r *runner) paspor(c call) (result, error) {
	pass, factor := c.passFile, c.factorFile
	if pass == "" {
		pass = r.m.PassFile
	}
	if factor == "" {
		factor = r.factorFile
	}
	args := append([]string{"--wallet", r.walletFile, "--factor-file", factor, "--passphrase-file", pass}, c.args...)
	cmd := exec.Command(r.cfg.Paspor, args...)
	cmd.Env = r.env
	cmd.Dir = r.cfg.Dir
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return result{}, fmt.Errorf("failed to start paspor: %w", err)
	}
	werr := waitOrKill(cmd, c.killAfter, c.killOnFile)
	res := result{stdout: stdout.Bytes(), stderr: stderr.Bytes(), took: time.Since(start)}
	ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus)
	if !ok {
		return res, fmt.Errorf("failed to read the exit status of paspor: %w", werr)
	}
	switch {
	case ws.Signaled() && ws.Signal() == syscall.SIGKILL && c.killAfter > 0:
		res.killed, res.code = true, -1
	case ws.Exited():
		res.code = ws.ExitStatus()
	default:
		return res, fmt.Errorf("paspor %s ended by %v", c.args[0], werr)
	}
	return res, nil
}

// waitOrKill waits for cmd, sending SIGKILL to that one child after killAfter (if set) unless
// it has exited by then. Signalling an exited but unreaped child is harmless: the wait status
// tells whether the kill is what ended it.
func waitOrKill(cmd *exec.Cmd, killAfter time.Duration, onFile string) error {
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	if killAfter == 0 {
		return <-done
	}
	if onFile != "" {
		poll := time.NewTicker(100 * time.Microsecond)
		defer poll.Stop()
		for seen := false; !seen; {
			select {
			case err := <-done:
				return err
			case <-poll.C:
				_, err := os.Stat(onFile)
				seen = err == nil
			}
		}
	}
	timer := time.NewTimer(killAfter)
	defer timer.Stop()
	select {
	case err := <-done:
		return err
	case <-timer.C:
		_ = cmd.Process.Signal(syscall.SIGKILL)
		return <-done
	}
}

// mustPaspor runs a command that must succeed (setup and checks).
func (r *runner) mustPaspor(c call) ([]byte, error) {
	res, err := r.paspor(c)
	if err != nil {
		return nil, err
	}
	if res.code != 0 {
		return nil, fmt.Errorf("paspor %s: %v", strings.Join(c.args, " "), res)
	}
	return res.stdout, nil
}

// timing keeps, per command, the measured fixed cost (start, unlock, commit) and the cost
// per MiB of scan it streams: kills are drawn inside the expected run time. Clean runs refine
// both, so the ranges follow the machine's current load.
type timing map[string]*estimate

type estimate struct{ base, perMiB float64 } // seconds

// newTiming starts from what a loaded 2-core machine showed: about 25 ms for a small command
// and 5 ms per MiB of scan.
func newTiming() timing {
	t := timing{}
	for _, k := range opKinds {
		t[k] = &estimate{base: 0.025, perMiB: 0.005}
	}
	return t
}

func mib(n int64) float64 { return float64(n) / (1 << 20) }

func (t timing) expect(kind string, scanBytes int64) time.Duration {
	e := t[kind]
	return time.Duration((e.base + e.perMiB*mib(scanBytes)) * float64(time.Second))
}

func (t timing) learn(kind string, scanBytes int64, took time.Duration) {
	e, s := t[kind], took.Seconds()
	if scanBytes < 1<<20 {
		e.base = 0.7*e.base + 0.3*s
		return
	}
	e.perMiB = 0.7*e.perMiB + 0.3*max(s-e.base, 0)/mib(scanBytes)
}
