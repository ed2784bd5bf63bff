package main

import (
	"bufio"
	"context"
	"fmt"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/paspor/paspor/wallet/schema"
)

type listOptions struct{ docType string }

func newListCommand(g *globals) *cobra.Command {
	var opts listOptions
	cmd := &cobra.Command{
		Use:     "list",
		Aliases: []string{"ls"},
		Short:   "List documents",
		Args:    cobra.NoArgs,
		RunE:    func(cmd *cobra.Command, _ []string) error { return runList(cmd.Context(), g, opts) },
	}
	cmd.Flags().StringVar(&opts.docType, "type", "", "only documents of this type")
	return cmd
}

type listEntry struct {
	ID          string `json:"id"`
	Type        string `json:"type"`
	Label       string `json:"label"`
	ExpiryDate  string `json:"expiry_date"`
	Attachments int    `json:"attachments"`
}

func runList(ctx context.Context, g *globals, opts listOptions) error {
	if opts.docType != "" {
		if _, err := schema.LookupType(opts.docType); err != nil {
			return err
		}
	}
	w, err := g.unlock(ctx, true)
	if err != nil {
		return err
	}
	defer w.Close()
	docs, err := w.ListSummaries(opts.docType)
	if err != nil {
		return err
	}
	entries := make([]listEntry, 0, len(docs))
	for _, d := range docs {
		entries = append(entries, listEntry{ID: d.ID, Type: d.Type, Label: d.Label,
			ExpiryDate: d.ExpiryDate, Attachments: d.Attachments})
	}
	if g.json {
		return printJSON(g.stdout, entries)
	}
	if len(entries) == 0 {
		fmt.Fprintln(g.stderr, "paspor: no documents yet (add one with: paspor add TYPE)")
		return nil
	}
	out := bufio.NewWriter(g.stdout) // one write per buffer, not per line: thousands of documents
	tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tTYPE\tLABEL\tEXPIRES\tSCANS")
	for _, e := range entries {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d\n", e.ID, e.Type, e.Label, dash(e.ExpiryDate), e.Attachments)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	return out.Flush()
}
