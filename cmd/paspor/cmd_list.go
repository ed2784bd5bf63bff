package main

import (
	"context"
	"fmt"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/paspor/paspor/wallet/schema"
)

type listOptions struct {
	docType string
	marks   expiryOptions
}

func newListCommand(g *globals) *cobra.Command {
	var opts listOptions
	cmd := &cobra.Command{
		Use:     "list",
		Aliases: []string{"ls"},
		Short:   "List documents",
		Long:    listLongHelp,
		Args:    cobra.NoArgs,
		RunE:    func(cmd *cobra.Command, _ []string) error { return runList(cmd.Context(), g, opts) },
	}
	cmd.Flags().StringVar(&opts.docType, "type", "", "only documents of this type")
	opts.marks.AddFlags(cmd.Flags())
	return cmd
}

const listLongHelp = `List the wallet's documents, one a line.

STATUS marks a document that expired, expires within --within (default 90 days), or a
proof of address issued longer ago than --stale-after (default 90 days); --json adds an
"expiry" object (status, field, date, days) to each marked document. paspor expiring lists
only those, for a reminder job.`

type listEntry struct {
	ID          string `json:"id"`
	Type        string `json:"type"`
	Label       string `json:"label"`
	ExpiryDate  string `json:"expiry_date"`
	Attachments int    `json:"attachments"`
	// Expiry marks an expired, expiring or stale document (expiry_marks.go).
	Expiry *expiryView `json:"expiry,omitempty"`
	// Feedback counts open partner feedback items on the document (omitted when none).
	Feedback int `json:"feedback_open,omitempty"`
}

func runList(ctx context.Context, g *globals, opts listOptions) error {
	rules, err := opts.marks.rules()
	if err != nil {
		return err
	}
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
	marker := newExpiryMarker(rules)
	for _, d := range docs {
		entries = append(entries, listEntry{ID: d.ID, Type: d.Type, Label: d.Label,
			ExpiryDate: d.Fields["expiry_date"], Attachments: len(d.Attachments), Expiry: marker.of(d),
			Feedback: marks[d.ID]})
	}
	if g.json {
		// The document shape of show, with fields and scans: one shape per object.
		views := make([]documentView, 0, len(docs))
		for _, d := range docs {
			views = append(views, viewOf(d))
		}
		return printJSON(g.stdout, views)
	}
	if len(entries) == 0 {
		fmt.Fprintln(g.stderr, "paspor: no documents yet (add one with: paspor add TYPE)")
		return nil
	}
	tw := tabwriter.NewWriter(g.stdout, 0, 0, 2, ' ', 0)
	// The FEEDBACK column appears only when some document has open feedback.
	header, feedback := "ID\tTYPE\tLABEL\tEXPIRES\tSCANS\tSTATUS", len(marks) > 0
	if feedback {
		header += "\tFEEDBACK"
	}
	fmt.Fprintln(tw, header)
	for _, e := range entries {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d\t%s", e.ID, e.Type, e.Label, dash(e.ExpiryDate), e.Attachments, e.Expiry.text())
		if feedback {
			fmt.Fprintf(tw, "\t%s", feedbackColumn(e.Feedback))
		}
		fmt.Fprintln(tw)
	}
	return tw.Flush()
}
