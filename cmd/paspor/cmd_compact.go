package main

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"
)

func newCompactCommand(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:   "compact",
		Short: "Rewrite the wallet file without its free space",
		Long: `Rewrite the wallet file without the free pages that edits and removals leave, and
report its size before and after. The new file is written beside the old one and renamed over
it only when complete, so an interrupted compact leaves the wallet as it was. Scans are files
of their own beside the wallet file and are not rewritten: rm already deletes them.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return runCompact(cmd.Context(), g) },
	}
}

func runCompact(ctx context.Context, g *globals) error {
	w, err := g.unlock(ctx, false)
	if err != nil {
		return err
	}
	res, err := w.Compact()
	if err != nil {
		return err
	}
	if g.json {
		return printJSON(g.stdout, res)
	}
	fmt.Fprintf(g.stdout, "compacted the wallet file: %d bytes before, %d after\n", res.BytesBefore, res.BytesAfter)
	return nil
}
