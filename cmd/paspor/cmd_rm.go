package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"maps"
	"strings"

	"github.com/spf13/cobra"

	"github.com/paspor/paspor/wallet"
)

type rmOptions struct{ yes bool }

func newRmCommand(g *globals) *cobra.Command {
	var opts rmOptions
	cmd := &cobra.Command{
		Use:   "rm ID",
		Short: "Delete a document and its scans",
		Long: `Delete a document and its scans. On a terminal paspor asks first; without one (a
script), --yes is required.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error { return runRm(cmd.Context(), g, args[0], opts) },
	}
	cmd.Flags().BoolVarP(&opts.yes, "yes", "y", false, "do not ask for confirmation")
	return cmd
}

func runRm(ctx context.Context, g *globals, id string, opts rmOptions) error {
	if !opts.yes && !isTerminal(g.stdin) {
		return usageError("refusing to delete without confirmation", "pass --yes")
	}
	// Asking first, the document is read under the shared lock, which is let go while the
	// person answers, so that other paspor processes are not kept waiting at the prompt.
	w, d, err := g.unlockDocument(ctx, !opts.yes, id)
	if err != nil {
		return err
	}
	defer w.Close()
	if !opts.yes {
		if err := confirmRm(ctx, g, w, d); err != nil {
			return err
		}
	}
	if _, err := w.Remove(d.ID); err != nil {
		return err
	}
	if g.json {
		return printJSON(g.stdout, removedView{ID: d.ID, Type: d.Type, Removed: true})
	}
	_, err = fmt.Fprintf(g.stdout, "removed %s %s\n", d.Type, d.ID)
	return err
}

// confirmRm asks before deleting d with w's lock released, then takes the exclusive lock
// and checks that d is still what the person was shown.
func confirmRm(ctx context.Context, g *globals, w *wallet.Wallet, d *wallet.Document) error {
	if err := w.Release(); err != nil {
		return err
	}
	fmt.Fprintf(g.stderr, "Delete %s %s and its %d scan(s)? [y/N] ", d.Type, d.ID, len(d.Attachments))
	line, err := readLine(ctx, bufio.NewReader(g.stdin))
	if errors.Is(err, errInterrupted) {
		return err
	}
	if a := strings.ToLower(strings.TrimSpace(line)); a != "y" && a != "yes" {
		return errorWithHint(exitError, "not deleted")
	}
	if err := w.Reacquire(false, g.lockTimeout()); err != nil {
		return err
	}
	now, err := w.Get(d.ID)
	if err != nil {
		return err
	}
	if !sameDocument(d, now) {
		return errorWithHint(exitWalletInUse, fmt.Sprintf("%s %s changed while paspor waited for your answer; nothing was deleted", d.Type, d.ID),
			"run the command again to see it as it is now")
	}
	return nil
}

// sameDocument says whether b is a as it was read: same update time, label, fields and scans.
func sameDocument(a, b *wallet.Document) bool {
	if !a.UpdatedAt.Equal(b.UpdatedAt) || a.Type != b.Type || a.Label != b.Label ||
		!maps.Equal(a.Fields, b.Fields) || len(a.Attachments) != len(b.Attachments) {
		return false
	}
	for i := range a.Attachments {
		if a.Attachments[i].SHA256 != b.Attachments[i].SHA256 || a.Attachments[i].Role != b.Attachments[i].Role {
			return false
		}
	}
	return true
}
