package main

import (
	"context"
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"
)

func newHistoryCommand(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:   "history",
		Short: "List the bundles you shared: when, with whom, what",
		Args:  cobra.NoArgs,
		RunE:  func(cmd *cobra.Command, _ []string) error { return runHistory(cmd.Context(), g) },
	}
}

func runHistory(ctx context.Context, g *globals) error {
	w, err := g.unlock(ctx, true)
	if err != nil {
		return err
	}
	defer w.Close()
	shares, err := w.Shares()
	if err != nil {
		return err
	}
	if g.json {
		views := []shareView{}
		for _, s := range shares {
			v := shareViewOf(s)
			v.Sequence = s.Sequence
			views = append(views, v)
		}
		return printJSON(g.stdout, views)
	}
	if len(shares) == 0 {
		fmt.Fprintln(g.stderr, "paspor: nothing shared yet")
		return nil
	}
	tw := tabwriter.NewWriter(g.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "CREATED\tBUNDLE\tAUDIENCE\tDOCUMENTS\tEXPIRES")
	for _, s := range shares {
		var docs []string
		for _, d := range s.Documents {
			docs = append(docs, fmt.Sprintf("%s %s (%d fields, %d scans)", d.Type, d.ID, len(d.Fields), len(d.Attachments)))
		}
		var aud []string
		for _, a := range s.Audience {
			aud = append(aud, shorten(a, 24))
		}
		expires := "-" // Telegram Passport data has no expiry
		if !s.ExpiresAt.IsZero() {
			expires = s.ExpiresAt.Format("2006-01-02 15:04")
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", s.CreatedAt.Format("2006-01-02 15:04"), s.BundleID[:12],
			strings.Join(aud, ", "), strings.Join(docs, "; "), expires)
	}
	return tw.Flush()
}

func shorten(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n-3] + "..."
}
