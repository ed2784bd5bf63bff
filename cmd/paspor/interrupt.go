package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"golang.org/x/term"
)

// Ctrl-C cancels the command's context (main1). Long copies check it between reads, so a
// command stops within one buffer and its deferred cleanup runs (temporary files removed,
// pending chunks left for the next writer to collect); prompts return at once with the
// terminal restored. A second Ctrl-C kills the process: the default handler is restored
// after the first.

// interruptNotice is the line paspor prints on stderr once Ctrl-C (or SIGTERM) has cancelled
// the command's context: the person knows it was seen, and a program driving paspor knows
// that no read started after this line will be used.
const interruptNotice = "paspor: stopping (Ctrl-C again to quit at once)"

// handleInterrupt cancels the command's context on the first SIGINT or SIGTERM, then prints
// interruptNotice to stderr and restores the default handlers, so a second signal kills. The
// context is cancelled before the notice is written. The returned function stops listening.
func handleInterrupt(cancel context.CancelFunc, stderr io.Writer) (stop func()) {
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	done := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		select {
		case <-sigs:
			cancel()
			signal.Stop(sigs)
			fmt.Fprintln(stderr, interruptNotice)
		case <-done:
		}
	}()
	return func() {
		signal.Stop(sigs)
		close(done)
		<-finished
	}
}

// errInterrupted is what a command returns when Ctrl-C stopped it.
var errInterrupted = &userError{msg: "interrupted", code: exitInterrupted}

// interruptible makes r fail with context.Canceled once ctx is done.
func interruptible(ctx context.Context, r io.Reader) io.Reader {
	return &ctxReader{ctx: ctx, r: r}
}

type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c *ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}

// readPassword is term.ReadPassword that returns when ctx is done, putting the terminal
// back as it found it (echo on): the abandoned read ends with the process.
func readPassword(ctx context.Context, tty *os.File) ([]byte, error) {
	fd := int(tty.Fd())
	state, _ := term.GetState(fd)
	type result struct {
		b   []byte
		err error
	}
	done := make(chan result, 1)
	go func() {
		b, err := term.ReadPassword(fd)
		done <- result{b, err}
	}()
	select {
	case r := <-done:
		return r.b, r.err
	case <-ctx.Done():
		if state != nil {
			_ = term.Restore(fd, state)
		}
		return nil, errInterrupted
	}
}

// readLine reads one line from in, returning when ctx is done.
func readLine(ctx context.Context, in *bufio.Reader) (string, error) {
	type result struct {
		s   string
		err error
	}
	done := make(chan result, 1)
	go func() {
		s, err := in.ReadString('\n')
		done <- result{s, err}
	}()
	select {
	case r := <-done:
		return r.s, r.err
	case <-ctx.Done():
		return "", errInterrupted
	}
}

func isInterrupted(err error) bool {
	return errors.Is(err, context.Canceled) || errors.Is(err, errInterrupted)
}
