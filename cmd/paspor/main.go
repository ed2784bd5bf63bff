// Command paspor keeps identity documents in an encrypted local wallet and hands partners
// exactly what they ask for, as signed bundles encrypted to their keys.
package main

import (
	"context"
	"os"
	"runtime/debug"
)

func main() { os.Exit(main1()) }

// main1 runs paspor with the process's arguments and streams and returns its exit code;
// tests run it in-process through testscript.
func main1() int {
	// A soft memory limit keeps the garbage collector from letting the heap double while
	// large scans stream through; GOMEMLIMIT still wins when set.
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(32 << 20)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	stderr := newLineWriter(os.Stderr)
	stopSignals := handleInterrupt(cancel, stderr)
	g := newGlobals(os.Stdin, os.Stdout, stderr)
	sweepKilledStages(stderr)
	root := newRootCommand(g)
	root.SetArgs(os.Args[1:])
	err := root.ExecuteContext(ctx)
	stopSignals() // waits for the interrupt notice, so it comes before the error line
	reportPeakRSS()
	if err == nil {
		return exitOK
	}
	if _, ok := err.(errExit); !ok {
		printError(stderr, err, g.json)
	}
	return exitCodeOf(err)
}
