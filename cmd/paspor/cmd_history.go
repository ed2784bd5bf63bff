package main

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/paspor/paspor/internal/termsafe"
	"github.com/paspor/paspor/wallet"
)

type historyOptions struct{ since string }

func (o *historyOptions) AddFlags(f *pflag.FlagSet) {
	f.StringVar(&o.since, "since", "", "only shares made since DATE (2026-12-01, or an RFC 3339 time) or for the last DURATION (48h, 7d)")
}

func newHistoryCommand(g *globals) *cobra.Command {
	var opts historyOptions
	cmd := &cobra.Command{
		Use:   "history [--since DATE|DURATION]",
		Short: "The transaction log: every bundle you shared, with whom, what, and the feedback on it",
		Long: `List every bundle you shared, oldest first: when, to which recipients, for which partner
(its name and signing-key fingerprint, and the request ID, when the share answered a
request), the purpose, exactly which documents, fields and scans went (names only, never
values), and the feedback the partner sent about it with how many items are still open.

--json is the export of the log: one array, an object per share, as the wallet keeps it.`,
		Example: `  paspor history --since 30d
  paspor history --json > my-shares.json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return runHistory(cmd.Context(), g, opts) },
	}
	opts.AddFlags(cmd.Flags())
	return cmd
}

// historyFeedback is feedback received on a share, as the log shows it.
type historyFeedback struct {
	FeedbackID string    `json:"feedback_id"`
	CreatedAt  time.Time `json:"created_at"`
	ReceivedAt time.Time `json:"received_at"`
	Items      int       `json:"items"`
	Open       int       `json:"open"`
}

// view is the entry as --json prints it: the one share shape, with the history's keys.
func (e *historyEntry) view() shareView {
	v := shareViewOf(e.ShareRecord)
	v.Sequence = e.Sequence
	v.PartnerFingerprint = e.PartnerFingerprint
	fb := []historyFeedbackView{}
	for _, f := range e.Feedback {
		fb = append(fb, historyFeedbackView{FeedbackID: f.FeedbackID, CreatedAt: jsonTime(f.CreatedAt),
			ReceivedAt: jsonTime(f.ReceivedAt), Items: f.Items, Open: f.Open})
	}
	v.Feedback = &fb
	return v
}

// historyEntry is one share of the log.
type historyEntry struct {
	wallet.ShareRecord
	PartnerFingerprint string            `json:"partner_fingerprint,omitempty"`
	Feedback           []historyFeedback `json:"feedback"`
}

func runHistory(ctx context.Context, g *globals, opts historyOptions) error {
	now := testOnlyNow
	if now.IsZero() {
		now = time.Now()
	}
	var since time.Time
	if opts.since != "" {
		var err error
		if since, err = parseSince(opts.since, now); err != nil {
			return err
		}
	}
	entries, err := loadHistory(ctx, g, since)
	if err != nil {
		return err
	}
	if g.json {
		views := []shareView{}
		for i := range entries {
			views = append(views, entries[i].view())
		}
		return printJSON(g.stdout, views)
	}
	if len(entries) == 0 {
		if opts.since != "" {
			fmt.Fprintln(g.stderr, "paspor: nothing shared since "+since.UTC().Format(time.RFC3339))
		} else {
			fmt.Fprintln(g.stderr, "paspor: nothing shared yet")
		}
		return nil
	}
	for i := range entries {
		printHistoryEntry(g.stdout, &entries[i])
	}
	return nil
}

// loadHistory reads the shares made at or after since, each with its feedback.
func loadHistory(ctx context.Context, g *globals, since time.Time) ([]historyEntry, error) {
	w, err := g.unlock(ctx, true)
	if err != nil {
		return nil, err
	}
	defer w.Close()
	shares, err := w.Shares()
	if err != nil {
		return nil, err
	}
	records, err := w.Feedback()
	if err != nil {
		return nil, err
	}
	docs, err := w.List("")
	if err != nil {
		return nil, err
	}
	byID := documentsByID(docs)
	entries := []historyEntry{}
	for _, s := range shares {
		if s.CreatedAt.Before(since) {
			continue
		}
		e := historyEntry{ShareRecord: s, Feedback: []historyFeedback{}}
		if s.PartnerKey != "" {
			e.PartnerFingerprint = keyFingerprint(s.PartnerKey)
		}
		for i := range records {
			if f := &records[i]; f.BundleID == s.BundleID {
				v := feedbackViewOf(f, byID)
				e.Feedback = append(e.Feedback, historyFeedback{FeedbackID: f.FeedbackID, CreatedAt: f.CreatedAt,
					ReceivedAt: f.ReceivedAt, Items: len(f.Items), Open: v.Open})
			}
		}
		entries = append(entries, e)
	}
	return entries, nil
}

// printHistoryEntry writes one share as a block of lines.
func printHistoryEntry(out io.Writer, e *historyEntry) {
	expires := "no expiry" // Telegram Passport data has none
	if !e.ExpiresAt.IsZero() {
		expires = "expires " + e.ExpiresAt.UTC().Format("2006-01-02 15:04")
	}
	fmt.Fprintf(out, "%s  bundle %s  %s\n", e.CreatedAt.UTC().Format("2006-01-02 15:04"), e.BundleID, expires)
	if e.Partner != "" {
		fmt.Fprintf(out, "  partner   %s (%s)\n", termsafe.Quote(e.Partner), e.PartnerFingerprint)
	}
	if e.RequestID != "" {
		partial := ""
		if e.Partial {
			partial = " (partial answer)"
		}
		fmt.Fprintf(out, "  request   %s%s\n", e.RequestID, partial)
	}
	if e.Purpose != "" {
		fmt.Fprintf(out, "  purpose   %s\n", termsafe.Quote(e.Purpose))
	}
	if e.Nonce != "" {
		fmt.Fprintf(out, "  nonce     %s\n", termsafe.Escape(e.Nonce))
	}
	var aud []string
	for _, a := range e.Audience {
		aud = append(aud, shorten(a, 24))
	}
	fmt.Fprintf(out, "  to        %s\n", strings.Join(aud, ", "))
	for _, d := range e.Documents {
		fmt.Fprintf(out, "  sent      %s %s: fields %s; scans %s\n", d.Type, d.ID, namesOrNone(d.Fields), namesOrNone(d.Attachments))
	}
	for _, f := range e.Feedback {
		fmt.Fprintf(out, "  feedback  %s received %s: %d item(s), %d open\n", f.FeedbackID, f.ReceivedAt.UTC().Format("2006-01-02 15:04"), f.Items, f.Open)
	}
}

func namesOrNone(names []string) string {
	if len(names) == 0 {
		return "none"
	}
	return strings.Join(names, ", ")
}

// parseSince reads --since: a date (UTC midnight), an RFC 3339 time, or a duration back from
// now (Go's form, or whole days "7d").
func parseSince(s string, now time.Time) (time.Time, error) {
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		return t, nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	var d time.Duration
	if days, ok := strings.CutSuffix(s, "d"); ok {
		if n, err := strconv.Atoi(days); err == nil && n > 0 && n <= 100*365 {
			d = time.Duration(n) * 24 * time.Hour
		}
	} else if v, err := time.ParseDuration(s); err == nil && v > 0 {
		d = v
	}
	if d == 0 {
		return time.Time{}, usageError("--since takes a date (2026-12-01), an RFC 3339 time or a positive duration (48h, 7d)")
	}
	return now.Add(-d), nil
}

func shorten(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n-3] + "..."
}
