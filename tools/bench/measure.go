package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"
)

// bench holds the binaries and the work folder every figure uses.
type bench struct {
	cfg          config
	work         string
	log          io.Writer
	paspor       string // the binary measured for time
	pasporRSS    string // the same code linked to report its VmHWM
	rssFile      string // where pasporRSS writes it
	age          string
	partner      *partner
	kdfCheap     time.Duration // the cheap KDF alone, in-process on a warm heap
	kdfCheapCold time.Duration // the cheap KDF as a fresh process pays it; subtracted from unlock and list
}

// prepare builds what is missing and checks the stock tools are there.
func (b *bench) prepare(ctx context.Context) error {
	b.rssFile = filepath.Join(b.work, "vmhwm")
	b.pasporRSS = filepath.Join(b.work, "paspor-rss")
	if err := goBuild(ctx, b.pasporRSS, "-X main.testOnlyPeakRSSFile="+b.rssFile); err != nil {
		return err
	}
	if b.paspor = b.cfg.paspor; b.paspor == "" {
		b.paspor = filepath.Join(b.work, "paspor")
		if err := goBuild(ctx, b.paspor, ""); err != nil {
			return err
		}
	}
	var err error
	if b.paspor, err = filepath.Abs(b.paspor); err != nil {
		return err
	}
	for _, tool := range []string{"tar", "ssh-keygen", "sha256sum", "xargs", "sh"} {
		if _, err := exec.LookPath(tool); err != nil {
			return fmt.Errorf("%s is not installed (apt-get install tar openssh-client coreutils findutils)", tool)
		}
	}
	if b.age, err = findAge(ctx, b.work); err != nil {
		return err
	}
	b.partner, err = b.newPartner(ctx)
	return err
}

// goBuild builds paspor with the toolchain running this program; never -race, which would
// measure the detector.
func goBuild(ctx context.Context, out, ldflags string) error {
	args := []string{"build", "-o", out}
	if ldflags != "" {
		args = append(args, "-ldflags", ldflags)
	}
	cmd := exec.CommandContext(ctx, "go", append(args, "github.com/paspor/paspor/cmd/paspor")...)
	cmd.Env = append(os.Environ(), "GOFLAGS=-buildvcs=false")
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("go build paspor: %v\n%s", err, out)
	}
	return nil
}

// findAge prefers the installed age (Debian's); without one it builds age v1.3 from its module.
func findAge(ctx context.Context, work string) (string, error) {
	if p, err := exec.LookPath("age"); err == nil {
		return p, nil
	}
	gobin := filepath.Join(work, "gobin")
	cmd := exec.CommandContext(ctx, "go", "install", "filippo.io/age/cmd/age@v1.3.2")
	cmd.Env = append(os.Environ(), "GOBIN="+gobin)
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("no age installed and building it failed: %v\n%s", err, out)
	}
	return filepath.Join(gobin, "age"), nil
}

// baseEnv is the caller's environment without settings that would change what paspor does:
// its own wallet and passphrase variables, and a GOMEMLIMIT that overrides its soft limit.
func baseEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, "PASPOR_") || strings.HasPrefix(kv, "GOMEMLIMIT=") || strings.HasPrefix(kv, "GOGC=") {
			continue
		}
		env = append(env, kv)
	}
	return env
}

// lastCPU is the user+system time of the last command execute ran, its waited-for children
// included (wait4's rusage): logged beside wall times because on a loaded machine it moves
// much less than they do.
var lastCPU time.Duration

// execute runs cmd to completion and returns its wall time; stdout is discarded unless the
// caller set it, and stderr ends up in the error.
func execute(cmd *exec.Cmd) (time.Duration, error) {
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	start := time.Now()
	err := cmd.Run()
	d := time.Since(start)
	lastCPU = 0
	if cmd.ProcessState != nil {
		lastCPU = cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
	}
	if err != nil {
		return d, fmt.Errorf("%s: %v\n%s", strings.Join(cmd.Args, " "), err, tail(stderr.String(), 2000))
	}
	return d, nil
}

func tail(s string, n int) string {
	if len(s) > n {
		return "..." + s[len(s)-n:]
	}
	return s
}

// output runs cmd and returns its trimmed stdout.
func output(cmd *exec.Cmd) (string, error) {
	var stdout bytes.Buffer
	cmd.Stdout = &stdout
	_, err := execute(cmd)
	return strings.TrimSpace(stdout.String()), err
}

// side is one contender of a comparison: setup and teardown run off the clock.
type side struct {
	setup    func(i int) error
	cmd      func(i int) *exec.Cmd
	teardown func(i int) error
}

// alternate runs n trials of each side, swapping which goes first on every trial, and
// returns their wall times. A sync(2) before every timed command keeps one trial's dirty
// pages off the next one's clock.
func (b *bench) alternate(name string, n int, p, a side) (pt, at []time.Duration, err error) {
	var pc, ac []time.Duration
	for i := range n {
		order := []*side{&p, &a}
		if i%2 == 1 {
			order = []*side{&a, &p}
		}
		for _, s := range order {
			d, err := b.trial(s, i)
			if err != nil {
				return nil, nil, fmt.Errorf("%s: %w", name, err)
			}
			if s == &p {
				pt, pc = append(pt, d), append(pc, lastCPU)
			} else {
				at, ac = append(at, d), append(ac, lastCPU)
			}
		}
		fmt.Fprintf(b.log, "bench: %s: run %d/%d: paspor %s (CPU %s), anchor %s (CPU %s)\n",
			name, i+1, n, ms(pt[i]), ms(pc[i]), ms(at[i]), ms(ac[i]))
	}
	fmt.Fprintf(b.log, "bench: %s: medians: paspor %s (CPU %s), anchor %s (CPU %s)\n",
		name, ms(median(pt)), ms(median(pc)), ms(median(at)), ms(median(ac)))
	return pt, at, nil
}

func (b *bench) trial(s *side, i int) (time.Duration, error) {
	if s.setup != nil {
		if err := s.setup(i); err != nil {
			return 0, err
		}
	}
	syscall.Sync()
	d, err := execute(s.cmd(i))
	if err != nil {
		return 0, err
	}
	if s.teardown != nil {
		err = s.teardown(i)
	}
	return d, err
}

// repeat times n runs of one command (no anchor).
func (b *bench) repeat(name string, n int, s side) ([]time.Duration, error) {
	var ds []time.Duration
	for i := range n {
		d, err := b.trial(&s, i)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		ds = append(ds, d)
	}
	fmt.Fprintf(b.log, "bench: %s: median %s of %d\n", name, ms(median(ds)), n)
	return ds, nil
}

func median(ds []time.Duration) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

func ms(d time.Duration) string {
	switch {
	case d >= 10*time.Second:
		return fmt.Sprintf("%.1f s", d.Seconds())
	case d >= time.Second:
		return fmt.Sprintf("%.2f s", d.Seconds())
	default:
		return fmt.Sprintf("%.1f ms", float64(d.Microseconds())/1000)
	}
}
