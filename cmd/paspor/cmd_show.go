package main

import (
	"context"

	"github.com/spf13/cobra"
)

func newShowCommand(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:   "show ID",
		Short: "Show a document's fields and attachments",
		Long:  "Show a document. ID is its ID or a unique prefix of it.",
		Args:  cobra.ExactArgs(1),
		RunE:  func(cmd *cobra.Command, args []string) error { return runShow(cmd.Context(), g, args[0]) },
	}
}

func runShow(ctx context.Context, g *globals, id string) error {
	w, err := g.unlock(ctx, true)
	if err != nil {
		return err
	}
	defer w.Close()
	d, err := w.Get(id)
	if err != nil {
		return err
	}
	v := viewOf(d)
	if g.json {
		return printJSON(g.stdout, v)
	}
	printDocument(g.stdout, d, v)
	return nil
}
