package main

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"
)

func newCheckCommand(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:   "check",
		Short: "Verify every record and every scan of the wallet",
		Long: `Verify the whole wallet: the header and the sealed wallet state (at unlock), every
document record, every scan read back in full (authentication, size, SHA-256, binding to its
wallet and attachment), the blob index and the share history. Each damaged document is named
by ID and type; the exit status is 11 when anything is damaged. A passport or ID card whose
fields no longer agree with its stored machine-readable zone (mrz) is named too, with the
field, and the exit status is 8 when that is all that is wrong. Scan files no record refers
to (left by a crash or an interrupted add) are counted; the next command that writes deletes
them. Read-only: nothing is repaired.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return runCheck(cmd.Context(), g) },
	}
}

func runCheck(ctx context.Context, g *globals) error {
	w, err := g.unlock(ctx, true)
	if err != nil {
		return err
	}
	defer w.Close()
	rep, err := w.Check()
	if err != nil {
		return err
	}
	if g.json {
		if err := printJSON(g.stdout, rep); err != nil {
			return err
		}
	} else {
		fmt.Fprintf(g.stdout, "checked %d documents, %d scans, %d share records\n", rep.Documents, rep.Blobs, rep.Shares)
		for _, p := range rep.Problems {
			who := p.DocumentID
			if p.Type != "" {
				who += " (" + p.Type + ")"
			}
			if who == "" {
				who = "-"
			}
			fmt.Fprintf(g.stdout, "damaged: %s %s: %s\n", who, p.Item, p.Reason)
		}
		for _, p := range rep.Disagreements {
			fmt.Fprintf(g.stdout, "disagrees: %s (%s): %s\n", p.DocumentID, p.Type, p.Reason)
		}
		if len(rep.Orphans) > 0 {
			fmt.Fprintf(g.stdout, "unreferenced scan files: %d (the next write deletes them)\n", len(rep.Orphans))
		}
	}
	if !rep.OK() {
		return errorWithHint(exitCorrupt, fmt.Sprintf("%d damaged items in the wallet", len(rep.Problems)),
			"restore the wallet from a backup; the documents not listed still open")
	}
	if len(rep.Disagreements) > 0 {
		return errorWithHint(exitInvalidInput, fmt.Sprintf("%d documents disagree with their machine-readable zone", len(rep.Disagreements)),
			"correct the field (paspor edit ID --field NAME=VALUE), or the zone (--field mrz=...)")
	}
	return nil
}
