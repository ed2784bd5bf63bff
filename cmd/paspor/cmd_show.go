package main

import (
	"context"

	"github.com/spf13/cobra"
)

func newShowCommand(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:   "show ID",
		Short: "Show a document's fields and attachments",
		Long: `Show a document. ID is its ID or a unique prefix of it.

Each scan is read through to report metadata still in it (a scan added with --keep-metadata,
or before paspor cleaned scans, or a PDF): "still holds metadata: ..." (--json: "metadata"
on the attachment, omitted when there is none).`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error { return runShow(cmd.Context(), g, args[0]) },
	}
}

func runShow(ctx context.Context, g *globals, id string) error {
	w, d, err := g.unlockDocument(ctx, true, id)
	if err != nil {
		return err
	}
	defer w.Close()
	v := viewOf(d)
	for i, a := range d.Attachments {
		rep, err := w.InspectAttachment(d, a.Role)
		if err != nil {
			return err
		}
		v.Attachments[i].Metadata = rep.Present
	}
	marks, err := openFeedbackOn(w, d)
	if err != nil {
		return err
	}
	if g.json {
		return printJSON(g.stdout, struct {
			documentView
			Feedback []feedbackMark `json:"feedback,omitempty"`
		}{v, marks})
	}
	printDocument(g.stdout, d, v)
	printFeedbackMarks(g.stdout, marks)
	return nil
}
