package main

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"
)

func newDetachCommand(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:   "detach ID ROLE",
		Short: "Remove a scan from a document",
		Long:  "Remove the attachment ROLE from a document; later file/N or translation/N move up by one.",
		Args:  cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runDetach(cmd.Context(), g, args[0], args[1])
		},
	}
}

func runDetach(ctx context.Context, g *globals, id, role string) error {
	w, err := g.unlock(ctx, false)
	if err != nil {
		return err
	}
	defer w.Close()
	d, err := w.Detach(id, role)
	if err != nil {
		return err
	}
	if g.json {
		return printJSON(g.stdout, viewOf(d))
	}
	_, err = fmt.Fprintf(g.stdout, "detached %s from %s\n", role, d.ID)
	return err
}
