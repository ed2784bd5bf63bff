package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"
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
	w, d, err := g.unlockDocument(ctx, false, id)
	if err != nil {
		return err
	}
	defer w.Close()
	if !opts.yes {
		fmt.Fprintf(g.stderr, "Delete %s %s and its %d scan(s)? [y/N] ", d.Type, d.ID, len(d.Attachments))
		line, err := readLine(ctx, bufio.NewReader(g.stdin))
		if errors.Is(err, errInterrupted) {
			return err
		}
		if a := strings.ToLower(strings.TrimSpace(line)); a != "y" && a != "yes" {
			return errorWithHint(exitError, "not deleted")
		}
	}
	if _, err := w.Remove(d.ID); err != nil {
		return err
	}
	if g.json {
		return printJSON(g.stdout, map[string]string{"id": d.ID, "removed": d.Type})
	}
	_, err = fmt.Fprintf(g.stdout, "removed %s %s\n", d.Type, d.ID)
	return err
}
