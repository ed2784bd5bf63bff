package main

import (
	"fmt"
	"io"

	"github.com/paspor/paspor/internal/termsafe"
	"github.com/paspor/paspor/wallet"
)

// Feedback marks: list and show point at documents that partner feedback still holds
// against, so the holder sees what to fix before the next share.

// feedbackMark is one open feedback item on a document, as show --json prints it.
type feedbackMark struct {
	FeedbackID string `json:"feedback_id"`
	Partner    string `json:"partner"`
	Source     string `json:"source"`
	Field      string `json:"field,omitempty"`
	Message    string `json:"message"`
}

// openFeedbackCounts counts, per document, the open feedback items of every partner.
func openFeedbackCounts(w *wallet.Wallet, docs []*wallet.Document) (map[string]int, error) {
	records, err := w.Feedback()
	if err != nil {
		return nil, err
	}
	counts := map[string]int{}
	for id, items := range unresolvedFeedback(records, documentsByID(docs), nil) {
		counts[id] = len(items)
	}
	return counts, nil
}

// openFeedbackOn lists the open feedback items on d.
func openFeedbackOn(w *wallet.Wallet, d *wallet.Document) ([]feedbackMark, error) {
	records, err := w.Feedback()
	if err != nil {
		return nil, err
	}
	var out []feedbackMark
	for _, o := range unresolvedFeedback(records, map[string]*wallet.Document{d.ID: d}, nil)[d.ID] {
		out = append(out, feedbackMark{FeedbackID: o.fb.FeedbackID, Partner: o.fb.Partner, Source: o.item.Source,
			Field: o.item.Field, Message: o.item.Message})
	}
	return out, nil
}

// printFeedbackMarks writes show's text lines for open feedback.
func printFeedbackMarks(out io.Writer, marks []feedbackMark) {
	for _, m := range marks {
		what := m.Source
		if m.Field != "" {
			what += " " + m.Field
		}
		fmt.Fprintf(out, "  FEEDBACK from %s (%s): %s: %s\n", termsafe.Quote(m.Partner), m.FeedbackID[:8], what, termsafe.Quote(m.Message))
	}
}

// feedbackColumn is list's FEEDBACK cell: the open items, or "-".
func feedbackColumn(n int) string {
	if n == 0 {
		return "-"
	}
	return fmt.Sprintf("%d open", n)
}
