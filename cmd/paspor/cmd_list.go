package main

import (
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
	// Feedback counts open partner feedback items on the document (omitted when none).
	Feedback int `json:"feedback_open,omitempty"`
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
	docs, err := w.List(opts.docType)
	if err != nil {
		return err
	}
	marks, err := openFeedbackCounts(w, docs)
	if err != nil {
		return err
	}
	entries := make([]listEntry, 0, len(docs))
	for _, d := range docs {
		entries = append(entries, listEntry{ID: d.ID, Type: d.Type, Label: d.Label,
			ExpiryDate: d.Fields["expiry_date"], Attachments: len(d.Attachments), Feedback: marks[d.ID]})
	}
	if g.json {
		return printJSON(g.stdout, entries)
	}
	if len(entries) == 0 {
		fmt.Fprintln(g.stderr, "paspor: no documents yet (add one with: paspor add TYPE)")
		return nil
	}
	tw := tabwriter.NewWriter(g.stdout, 0, 0, 2, ' ', 0)
	// The FEEDBACK column appears only when some document has open feedback.
	header, feedback := "ID\tTYPE\tLABEL\tEXPIRES\tSCANS", len(marks) > 0
	if feedback {
		header += "\tFEEDBACK"
	}
	fmt.Fprintln(tw, header)
	for _, e := range entries {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d", e.ID, e.Type, e.Label, dash(e.ExpiryDate), e.Attachments)
		if feedback {
			fmt.Fprintf(tw, "\t%s", feedbackColumn(e.Feedback))
		}
		fmt.Fprintln(tw)
	}
	return tw.Flush()
}
