package main

import (
	"context"

	"github.com/spf13/cobra"
)

func newShowCommand(g *globals) *cobra.Command {
	var marks expiryOptions
	cmd := &cobra.Command{
		Use:   "show ID",
		Short: "Show a document's fields and attachments",
		Long: `Show a document. ID is its ID or a unique prefix of it.

Each scan is read through to report metadata still in it (a scan added with --keep-metadata,
or before paspor cleaned scans, or a PDF): "still holds metadata: ..." (--json: "metadata"
on the attachment, omitted when there is none).

A document that expired, expires within --within, or a proof of address issued longer ago
than --stale-after, is marked (--json: "expiry"; see paspor help expiring).`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error { return runShow(cmd.Context(), g, args[0], marks) },
	}
	marks.AddFlags(cmd.Flags())
	return cmd
}

func runShow(ctx context.Context, g *globals, id string, marks expiryOptions) error {
	rules, err := marks.rules()
	if err != nil {
		return err
	}
	w, d, err := g.unlockDocument(ctx, true, id)
	if err != nil {
		return err
	}
	defer w.Close()
	v := viewOf(d)
	v.Expiry = newExpiryMarker(rules).of(d)
	for i, a := range d.Attachments {
		rep, err := w.InspectAttachment(d, a.Role)
		if err != nil {
			return err
		}
		v.Attachments[i].Metadata = rep.Present
	}
	feedback, err := openFeedbackOn(w, d)
	if err != nil {
		return err
	}
	if g.json {
		return printJSON(g.stdout, struct {
			documentView
			Feedback []feedbackMark `json:"feedback,omitempty"`
		}{v, feedback})
	}
	printDocument(g.stdout, d, v)
	printExpiryMark(g.stdout, v.Expiry, rules)
	printFeedbackMarks(g.stdout, feedback)
	return nil
}
