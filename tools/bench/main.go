package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime"
	"syscall"
)

// config is what the flags choose; sizes and counts are derived from scale.
type config struct {
	runs     int     // timed runs per side
	openRuns int     // timed runs per side for the 1,000-bundle open (slow on the stock side)
	scale    float64 // multiplies every file size and item count
	out      string  // the markdown report
	dir      string  // parent of the work folder
	paspor   string  // a built paspor; empty builds one in the work folder
	jobs     int     // paspor open --jobs, and the stock pipeline's parallelism
	quick    bool
}

func main() {
	if os.Getenv(envColdKDF) == "1" {
		os.Exit(coldKDFChild())
	}
	var c config
	flag.IntVar(&c.runs, "runs", 5, "timed runs of each side per comparison (at least 5 for the report)")
	flag.IntVar(&c.openRuns, "open-runs", 3, "timed runs of each side for the bundle-open comparison")
	flag.Float64Var(&c.scale, "scale", 1, "multiply every size and count (0.5 halves the scans and the 1,000s)")
	flag.StringVar(&c.out, "out", "BENCHMARKS.md", "write the report here")
	flag.StringVar(&c.dir, "dir", os.TempDir(), "make the work folder here (same disk as the wallet would be)")
	flag.StringVar(&c.paspor, "paspor", "", "the paspor binary to measure (default: build one)")
	flag.IntVar(&c.jobs, "jobs", runtime.NumCPU(), "parallel jobs for open, on both sides")
	flag.BoolVar(&c.quick, "quick", false, "smoke run: tiny sizes, one run each")
	flag.Parse()
	if flag.NArg() > 0 {
		fmt.Fprintln(os.Stderr, "bench: no arguments expected; see -h")
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, c, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintf(os.Stderr, "bench: error: %v\n", err)
		stop()
		os.Exit(1)
	}
}

// run measures everything, prints the table to stdout and writes the report. The work
// folder goes whatever happens, including on interrupt.
func run(ctx context.Context, c config, stdout, log io.Writer) error {
	if c.quick {
		c.scale, c.runs, c.openRuns = 1.0/256, 1, 1
	}
	if c.runs < 1 || c.openRuns < 1 || c.scale <= 0 || c.jobs < 1 {
		return fmt.Errorf("-runs, -open-runs, -jobs and -scale must be positive")
	}
	work, err := os.MkdirTemp(c.dir, "paspor-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(work)
	b := &bench{cfg: c, work: work, log: log}
	if err := b.prepare(ctx); err != nil {
		return err
	}
	m := describeMachine(ctx, work, b.age)
	var rows []row
	for _, fig := range []func(context.Context) ([]row, error){
		b.kdfRows, b.unlockRows, b.addRows, b.shareRows, b.openRows, b.rssRows,
	} {
		r, err := fig(ctx)
		if err != nil {
			return err
		}
		rows = append(rows, r...)
	}
	table := formatTable(rows)
	fmt.Fprint(stdout, table)
	return os.WriteFile(c.out, []byte(formatReport(c, m, table)), 0o644)
}

// scaled applies -scale to a size or count, never below min.
func (c config) scaled(n int64, min int64) int64 {
	return max(int64(float64(n)*c.scale), min)
}

// shortRuns is the run count for figures that take milliseconds: at least five, one when quick.
func (c config) shortRuns() int {
	if c.quick {
		return 1
	}
	return max(c.runs, 5)
}
