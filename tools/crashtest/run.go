package main

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// config is what the flags (or the test) set.
type config struct {
	Ops      int
	MinKills int
	Seed     uint64
	Dir      string
	Paspor   string
	MaxScan  int64
	Verbose  bool
	Out      io.Writer
}

// Checking rhythm: a kill always gets the full read-back; clean exits get the cheap checks
// (bbolt, blob counts, key files) and, every cleanCheckEvery, the full one. Every
// fullReadEvery operations, and at the end, every attachment's content is read back.
const (
	killProbability = 0.92
	// rotateEventShare of the rotate kills are timed from the staged key file's appearance.
	rotateEventShare = 0.5
	calibrationRuns  = 2
	cleanCheckEvery  = 4
	fullReadEvery    = 50
)

// runner holds the wallet's paths, the model and the counters.
type runner struct {
	cfg        config
	rng        *rand.Rand
	m          model
	st         *stats
	timing     timing
	env        []string
	walletFile string
	factorFile string
	scanDir    string          // scans before add/attach
	outDir     string          // bundles, get output, recovered key files
	secretDir  string          // passphrase and recovery-code files
	recipient  string          // the partner's age1... recipient for share
	orphans    map[string]bool // IDs of pending blobs not yet collected
	staged     bool            // a .pending key file was left by a killed rotation
	cleanRuns  int
	settling   bool // no kills: the last operations let a writer collect what kills left
}

// run sets up a wallet and runs the operations; the returned stats are valid on error too.
func run(cfg config) (*stats, error) {
	if cfg.Out == nil {
		cfg.Out = io.Discard
	}
	keep := cfg.Dir != ""
	if !keep {
		d, err := os.MkdirTemp("", "paspor-crashtest-")
		if err != nil {
			return nil, fmt.Errorf("failed to create a working folder: %w", err)
		}
		cfg.Dir = d
	}
	bin, err := filepath.Abs(cfg.Paspor)
	if err != nil {
		return nil, fmt.Errorf("failed to resolve %s: %w", cfg.Paspor, err)
	}
	cfg.Paspor = bin
	r := &runner{cfg: cfg, rng: rand.New(rand.NewPCG(cfg.Seed, cfg.Seed^0x9e3779b97f4a7c15)),
		st: newStats(cfg.Seed, cfg.Dir), timing: newTiming(), orphans: map[string]bool{}}
	if err := r.setup(); err != nil {
		return r.st, err
	}
	if err := r.loop(); err != nil {
		return r.st, fmt.Errorf("seed %d, folder %s (kept): %w", cfg.Seed, cfg.Dir, err)
	}
	if !keep {
		os.RemoveAll(cfg.Dir)
	}
	return r.st, nil
}

func (r *runner) setup() error {
	dir := r.cfg.Dir
	r.walletFile = filepath.Join(dir, "wallet", "wallet.db")
	r.factorFile = filepath.Join(dir, "keys", "device.key")
	r.scanDir, r.outDir, r.secretDir = filepath.Join(dir, "scans"), filepath.Join(dir, "out"), filepath.Join(dir, "secrets")
	for _, d := range []string{dir, r.scanDir, r.outDir, r.secretDir, filepath.Join(dir, "home")} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			return fmt.Errorf("failed to create %s: %w", d, err)
		}
	}
	if _, err := os.Stat(r.walletFile); err == nil {
		return fmt.Errorf("%s already holds a wallet; pass an empty -dir", dir)
	}
	r.env = childEnv(filepath.Join(dir, "home"))
	pass, err := r.writeSecret("pass-0.txt", "initial passphrase\n")
	if err != nil {
		return err
	}
	r.m = model{Docs: map[string]document{}, PassFile: pass}
	if _, err := r.mustPaspor(call{args: []string{"init", "--kdf-memory", "8", "--kdf-iterations", "1", "--json"}}); err != nil {
		return err
	}
	if r.m.Device, _, err = readKeyFile(r.factorFile); err != nil {
		return err
	}
	out, err := r.mustPaspor(call{args: []string{"partner", "keygen", "--classic", "-o", filepath.Join(r.secretDir, "partner.key")}})
	if err != nil {
		return err
	}
	r.recipient = strings.TrimSpace(string(out))
	return nil
}

func (r *runner) writeSecret(name, content string) (string, error) {
	path := filepath.Join(r.secretDir, name)
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		return "", fmt.Errorf("failed to write %s: %w", name, err)
	}
	return path, nil
}

func (r *runner) loop() error {
	for n := 1; n <= r.cfg.Ops || (r.st.kills() < r.cfg.MinKills && n <= 2*r.cfg.Ops); n++ {
		if err := r.step(n); err != nil {
			return err
		}
		if n%fullReadEvery == 0 {
			if err := r.checkAll(nil, true); err != nil {
				return fmt.Errorf("full check after operation %d: %w", n, err)
			}
		}
	}
	// Let clean writers run until the last kill's orphans and staged key file are settled,
	// so that every kill's leftovers were seen collected.
	r.settling = true
	for n := r.st.ops + 1; len(r.orphans) > 0 || r.staged; n++ {
		if err := r.step(n); err != nil {
			return err
		}
	}
	if err := r.checkAll(nil, true); err != nil {
		return fmt.Errorf("final check: %w", err)
	}
	return nil
}

// step runs one operation and the checks that follow it.
func (r *runner) step(n int) error {
	o, err := r.nextOp(n)
	if err != nil {
		return err
	}
	defer func() {
		for _, f := range o.files {
			os.Remove(f)
		}
	}()
	ks := r.st.kinds[o.kind]
	delay := r.killDelay(o, ks)
	c := call{args: o.args, killAfter: delay}
	if o.kind == "rotate" && delay > 0 && r.rng.Float64() < rotateEventShare {
		// Timed kills rarely land between the slot commit and the promotion (a few ms of a
		// command that mostly starts up and runs the KDF): start the clock when the staged
		// key file appears, and kill 0-1.5 ms later: staging to promotion takes about 2 ms here.
		c.killOnFile = r.factorFile + ".pending"
		c.killAfter = time.Duration(1+r.rng.IntN(1500)) * time.Microsecond
	}
	res, err := r.paspor(c)
	if err != nil {
		return fmt.Errorf("operation %d (%s): %w", n, o.kind, err)
	}
	r.st.ops++
	ks.runs++
	if r.cfg.Verbose {
		fmt.Fprintf(r.cfg.Out, "%4d %-10s kill@%-6v %v  %s\n", n, o.kind, delay.Round(time.Millisecond), res, strings.Join(o.args, " "))
	}
	switch {
	case res.killed:
		ks.killed++
		ks.totalKillMS += float64(res.took.Milliseconds())
		err = r.afterKill(o)
	case res.code == 0:
		if delay > 0 {
			ks.raced++
		} else {
			ks.clean++
		}
		r.timing.learn(o.kind, o.scanBytes, res.took)
		err = r.afterClean(o, res)
	default:
		err = fmt.Errorf("unexpected %v", res)
	}
	if err != nil {
		return fmt.Errorf("operation %d (%s %s): %w", n, o.kind, strings.Join(o.args, " "), err)
	}
	return nil
}

// killDelay picks when to kill o, or 0 to let it finish. The first runs of each command
// measure it; a kill never comes before that. Delays run from 15% of the expected time to
// a bit past it, denser towards the end, where the writes are (for small commands start-up
// and the KDF take most of the time); a kill that comes too late finds exit 0, and the
// estimate learns from it.
func (r *runner) killDelay(o *op, ks *kindStats) time.Duration {
	kill := r.rng.Float64() < killProbability
	if !kill || r.settling || ks.clean+ks.raced < calibrationRuns {
		return 0
	}
	expect := r.timing.expect(o.kind, o.scanBytes)
	f := 0.15 + 0.9*math.Sqrt(r.rng.Float64())
	return max(time.Millisecond, time.Duration(f*float64(expect)))
}

// afterClean moves the model to the command's result and checks what a clean writer must
// leave: no pending blob, no staged key file.
func (r *runner) afterClean(o *op, res result) error {
	next := o.after
	switch o.kind {
	case "add":
		var out struct{ ID string }
		if err := json.Unmarshal(res.stdout, &out); err != nil || out.ID == "" {
			return fmt.Errorf("add printed no ID: %q", res.stdout)
		}
		d := next.Docs[newDocID]
		delete(next.Docs, newDocID)
		d.ID = out.ID
		next.Docs[out.ID] = d
		o.touched = []string{out.ID}
	case "passphrase":
		if err := r.checkPassphraseChanged(o); err != nil {
			return err
		}
	case "rotate":
		device, err := r.checkRotated(o, res.stdout)
		if err != nil {
			return err
		}
		next.Device = device
	case "share":
		if _, err := os.Stat(o.bundle); err != nil {
			return fmt.Errorf("share exited 0 without a bundle: %w", err)
		}
	}
	r.m = next
	if err := r.checkCleanWriter(); err != nil {
		return err
	}
	r.cleanRuns++
	if r.cleanRuns%cleanCheckEvery == 0 {
		return r.checkAll(o.touched, false)
	}
	return nil
}
