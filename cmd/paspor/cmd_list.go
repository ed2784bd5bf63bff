package main

import (
	"bufio"
	"context"
	"fmt"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/paspor/paspor/wallet"
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
	marker := newExpiryMarker(rules)
	if g.json {
		return printListJSON(g, w, opts.docType, marker)
	}
	// Text needs only the sealed list index (one record, however many documents), plus the
	// documents that have feedback, to tell which items are still open.
	sums, err := w.ListSummaries(opts.docType)
	if err != nil {
		return err
	}
	marks, err := listFeedbackCounts(w, opts.docType)
	if err != nil {
		return err
	}
	if len(sums) == 0 {
		fmt.Fprintln(g.stderr, "paspor: no documents yet (add one with: paspor add TYPE)")
		return nil
	}
	out := bufio.NewWriter(g.stdout) // one write per buffer, not per line: thousands of documents
	tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	// The FEEDBACK column appears only when some document has open feedback.
	header, feedback := "ID\tTYPE\tLABEL\tEXPIRES\tSCANS\tSTATUS", len(marks) > 0
	if feedback {
		header += "\tFEEDBACK"
	}
	fmt.Fprintln(tw, header)
	for i := range sums {
		e := &sums[i]
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d\t%s", e.ID, e.Type, e.Label, dash(e.ExpiryDate), e.Attachments, marker.ofSummary(e).text())
		if feedback {
			fmt.Fprintf(tw, "\t%s", feedbackColumn(marks[e.ID]))
		}
		fmt.Fprintln(tw)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	return out.Flush()
}

// printListJSON prints the document shape of show for every document (fields and scans: one
// shape per object), so it decrypts every record, as the list index holds summaries only.
func printListJSON(g *globals, w *wallet.Wallet, docType string, marker *expiryMarker) error {
	docs, err := w.List(docType)
	if err != nil {
		return err
	}
	marks, err := openFeedbackCounts(w, docs)
	if err != nil {
		return err
	}
	views := make([]documentView, 0, len(docs))
	for _, d := range docs {
		v := viewOf(d)
		v.Expiry = marker.of(d)
		v.FeedbackOpen = marks[d.ID]
		views = append(views, v)
	}
	return printJSON(g.stdout, views)
}

// listFeedbackCounts counts open feedback items per document, opening only the documents
// that feedback names.
func listFeedbackCounts(w *wallet.Wallet, docType string) (map[string]int, error) {
	records, err := w.Feedback()
	if err != nil || len(records) == 0 {
		return nil, err
	}
	var docs []*wallet.Document
	seen := map[string]bool{}
	for i := range records {
		for _, it := range records[i].Items {
			id := it.DocumentID
			if seen[id] {
				continue
			}
			seen[id] = true
			d, err := w.Get(id)
			if err != nil {
				continue // removed since: nothing of it to mark
			}
			if docType == "" || d.Type == docType {
				docs = append(docs, d)
			}
		}
	}
	return openFeedbackCounts(w, docs)
}
