// Command paspor keeps identity documents in an encrypted local wallet and hands partners
// exactly what they ask for, as signed bundles encrypted to their keys.
package main

import (
	"context"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"
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
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() {
		<-ctx.Done()
		stop() // a second Ctrl-C kills at once
	}()
	g := newGlobals(os.Stdin, os.Stdout, os.Stderr)
	g.ctx = ctx
	root := newRootCommand(g)
	root.SetArgs(os.Args[1:])
	err := root.ExecuteContext(ctx)
	reportPeakRSS()
	if err == nil {
		return exitOK
	}
	if _, ok := err.(errExit); !ok {
		printError(os.Stderr, err)
	}
	return exitCodeOf(err)
}
