package main

import (
	"flag"
	"fmt"
	"os"
	"time"
)

func main() {
	var cfg config
	flag.IntVar(&cfg.Ops, "ops", 600, "operations to run (at least)")
	flag.IntVar(&cfg.MinKills, "min-kills", 0, "keep going (up to 2×ops) until this many commands were killed")
	flag.Uint64Var(&cfg.Seed, "seed", 0, "random seed (0 picks one from the clock)")
	flag.StringVar(&cfg.Dir, "dir", "", "working folder, kept afterwards (default: a temporary one, removed on success)")
	flag.StringVar(&cfg.Paspor, "paspor", "bin/paspor", "the paspor binary under test")
	flag.Int64Var(&cfg.MaxScan, "max-scan", 64<<20, "largest scan added, in bytes (large adds pick 8 MiB up to this)")
	flag.BoolVar(&cfg.Verbose, "v", false, "print every operation")
	flag.Parse()
	if cfg.Seed == 0 {
		cfg.Seed = uint64(time.Now().UnixNano())
	}
	cfg.Out = os.Stdout
	st, err := run(cfg)
	st.print(os.Stdout)
	if err != nil {
		fmt.Fprintf(os.Stderr, "crashtest: FAIL: %v\n", err)
		os.Exit(1)
	}
	fmt.Println("crashtest: PASS")
}
