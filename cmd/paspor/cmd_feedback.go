package main

import (
	"context"
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/paspor/paspor/internal/termsafe"
	"github.com/paspor/paspor/wallet"
)

func newFeedbackCommand(g *globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "feedback [show ID | import FILE]",
		Short: "List the feedback partners sent about your bundles",
		Long: `Without a subcommand, list the partner feedback you imported (paspor feedback import),
newest last, with how many of its items are still open. An item is resolved once you change
what it names: the field's value (paspor edit), the scan (paspor attach, detach); an item that
names nothing (unspecified) once the document is edited after the feedback arrived. While an
item is open, share --request from the same partner refuses to send that document (exit 14)
unless --force. paspor list and show mark the documents concerned.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return runFeedbackList(cmd.Context(), g) },
	}
	cmd.AddCommand(newFeedbackImportCommand(g), &cobra.Command{
		Use:   "show ID",
		Short: "Show one feedback's items and whether each is resolved",
		Args:  cobra.ExactArgs(1),
		RunE:  func(cmd *cobra.Command, args []string) error { return runFeedbackShow(cmd.Context(), g, args[0]) },
	})
	return cmd
}

// feedbackItemView is an item with its state.
type feedbackItemView struct {
	wallet.FeedbackItem
	Resolved bool `json:"resolved"`
}

// feedbackView is one feedback as list --json and show print it.
type feedbackView struct {
	FeedbackID  string             `json:"feedback_id"`
	BundleID    string             `json:"bundle_id"`
	RequestID   string             `json:"request_id,omitempty"`
	Partner     string             `json:"partner"`
	PartnerKey  string             `json:"partner_key"`
	Fingerprint string             `json:"fingerprint"`
	CreatedAt   time.Time          `json:"created_at"`
	ReceivedAt  time.Time          `json:"received_at"`
	Open        int                `json:"open"`
	Items       []feedbackItemView `json:"items"`
}

// feedbackViewOf describes f; docs are the current documents (nil: every item open, as at
// import).
func feedbackViewOf(f *wallet.FeedbackRecord, docs map[string]*wallet.Document) feedbackView {
	v := feedbackView{FeedbackID: f.FeedbackID, BundleID: f.BundleID, RequestID: f.RequestID, Partner: f.Partner,
		PartnerKey: f.PartnerKey, Fingerprint: keyFingerprint(f.PartnerKey), CreatedAt: f.CreatedAt.UTC().Truncate(time.Second), ReceivedAt: f.ReceivedAt.UTC().Truncate(time.Second),
		Items: []feedbackItemView{}}
	for _, it := range f.Items {
		resolved := docs != nil && itemResolved(f, it, docs[it.DocumentID])
		if !resolved {
			v.Open++
		}
		v.Items = append(v.Items, feedbackItemView{FeedbackItem: it, Resolved: resolved})
	}
	return v
}

// itemWhat names what an item is about: "data document_no", "selfie", "unspecified".
func itemWhat(it wallet.FeedbackItem) string {
	if it.Field != "" {
		return it.Source + " " + it.Field
	}
	return it.Source
}

func loadFeedback(ctx context.Context, g *globals) ([]wallet.FeedbackRecord, map[string]*wallet.Document, error) {
	w, err := g.unlock(ctx, true)
	if err != nil {
		return nil, nil, err
	}
	defer w.Close()
	records, err := w.Feedback()
	if err != nil {
		return nil, nil, err
	}
	docs, err := w.List("")
	if err != nil {
		return nil, nil, err
	}
	return records, documentsByID(docs), nil
}

func runFeedbackList(ctx context.Context, g *globals) error {
	records, docs, err := loadFeedback(ctx, g)
	if err != nil {
		return err
	}
	views := make([]feedbackView, 0, len(records))
	for i := range records {
		views = append(views, feedbackViewOf(&records[i], docs))
	}
	if g.json {
		return printJSON(g.stdout, views)
	}
	if len(views) == 0 {
		fmt.Fprintln(g.stderr, "paspor: no feedback yet (paspor feedback import FILE records a partner's)")
		return nil
	}
	tw := tabwriter.NewWriter(g.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "RECEIVED\tFEEDBACK\tPARTNER\tBUNDLE\tITEMS\tOPEN")
	for _, v := range views {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d\t%d\n", v.ReceivedAt.Format("2006-01-02 15:04"), v.FeedbackID[:12],
			termsafe.Quote(v.Partner), v.BundleID[:12], len(v.Items), v.Open)
	}
	return tw.Flush()
}

func runFeedbackShow(ctx context.Context, g *globals, id string) error {
	records, docs, err := loadFeedback(ctx, g)
	if err != nil {
		return err
	}
	var match []*wallet.FeedbackRecord
	for i := range records {
		if id != "" && strings.HasPrefix(records[i].FeedbackID, id) {
			match = append(match, &records[i])
		}
	}
	switch {
	case len(match) == 0:
		return &wallet.NotFoundError{What: "feedback", ID: id}
	case len(match) > 1:
		var ids []string
		for _, m := range match {
			ids = append(ids, m.FeedbackID)
		}
		return &wallet.AmbiguousError{Prefix: id, Matches: ids}
	}
	v := feedbackViewOf(match[0], docs)
	if g.json {
		return printJSON(g.stdout, v)
	}
	fmt.Fprintf(g.stdout, "feedback %s from %s (%s)\n", v.FeedbackID, termsafe.Quote(v.Partner), v.Fingerprint)
	fmt.Fprintf(g.stdout, "  about bundle %s, written %s, received %s\n", v.BundleID,
		v.CreatedAt.Format(time.RFC3339), v.ReceivedAt.Format(time.RFC3339))
	if v.RequestID != "" {
		fmt.Fprintf(g.stdout, "  answering request %s\n", v.RequestID)
	}
	for _, it := range v.Items {
		state := "OPEN"
		if it.Resolved {
			state = "resolved"
		}
		fmt.Fprintf(g.stdout, "  [%s] %s %s %s: %s\n", state, it.Type, it.DocumentID, itemWhat(it.FeedbackItem), termsafe.Quote(it.Message))
	}
	return nil
}
