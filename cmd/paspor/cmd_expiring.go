package main

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/paspor/paspor/wallet/schema"
)

type expiringOptions struct{ marks expiryOptions }

func newExpiringCommand(g *globals) *cobra.Command {
	var opts expiringOptions
	cmd := &cobra.Command{
		Use:   "expiring [--within 90d] [--stale-after 90d]",
		Short: "List documents that expired, expire soon, or are too old to prove an address",
		Long: `List the documents that need renewing, for a person or a reminder job:

  expired   the expiry_date is before today (a document is valid through its expiry day)
  expiring  the expiry_date is today or within --within (default 90 days)
  stale     a proof of address (utility_bill, bank_statement, rental_agreement,
            passport_registration, temporary_registration) whose issue_date is more than
            --stale-after ago (default 90 days): partners usually want one from the last
            three months

"Today" is your local date (the TZ environment variable is honoured). Windows are whole
days or weeks (30d, 12w). Documents without the date are never listed. Nothing is printed
when nothing needs attention, so cron mails only when there is something to do. share
refuses an expired document (see paspor share --allow-expired).

--json prints one object: today, within_days, stale_after_days and documents (each with
id, type, label and expiry: status, field, date, days).

EXIT STATUS
   0  nothing expired, expiring or stale
  12  attention: at least one document is listed
  other codes as for every command (paspor exit-codes): the check could not run`,
		Example: `  paspor expiring --within 180d
  # crontab: mail the list every Monday at 09:00 when there is something to renew
  # (cron's PATH is /usr/bin:/bin: name paspor by its full path)
  0 9 * * 1  PASPOR_PASSPHRASE_FILE=$HOME/.config/paspor/passphrase PASPOR_FACTOR_FILE=$HOME/.config/paspor/device.key $HOME/.local/bin/paspor expiring --within 60d`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return runExpiring(cmd.Context(), g, opts) },
	}
	opts.marks.AddFlags(cmd.Flags())
	return cmd
}

// expiringEntry is one listed document.
type expiringEntry struct {
	ID     string      `json:"id"`
	Type   string      `json:"type"`
	Label  string      `json:"label"`
	Expiry *expiryView `json:"expiry"`
}

// expiringResult is expiring's --json output.
type expiringResult struct {
	Today          string          `json:"today"`
	WithinDays     int             `json:"within_days"`
	StaleAfterDays int             `json:"stale_after_days"`
	Documents      []expiringEntry `json:"documents"`
}

func runExpiring(ctx context.Context, g *globals, opts expiringOptions) error {
	rules, err := opts.marks.rules()
	if err != nil {
		return err
	}
	w, err := g.unlock(ctx, true)
	if err != nil {
		return err
	}
	defer w.Close()
	docs, err := w.List("")
	if err != nil {
		return err
	}
	marker := newExpiryMarker(rules)
	res := expiringResult{Today: marker.today.Format(time.DateOnly), WithinDays: rules.Within,
		StaleAfterDays: rules.StaleAfter, Documents: []expiringEntry{}}
	for _, d := range docs {
		if v := marker.of(d); v != nil {
			res.Documents = append(res.Documents, expiringEntry{ID: d.ID, Type: d.Type, Label: d.Label, Expiry: v})
		}
	}
	slices.SortStableFunc(res.Documents, byUrgency)
	if g.json {
		if err := printJSON(g.stdout, res); err != nil {
			return err
		}
	} else if len(res.Documents) > 0 {
		tw := tabwriter.NewWriter(g.stdout, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tTYPE\tLABEL\tDATE\tSTATUS")
		for _, e := range res.Documents {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s %s\t%s\n", e.ID, e.Type, dash(e.Label), e.Expiry.Field, e.Expiry.Date, e.Expiry.text())
		}
		if err := tw.Flush(); err != nil {
			return err
		}
	} else if isTerminal(g.stderr) {
		fmt.Fprintf(g.stderr, "paspor: nothing expired, expiring within %s or stale (today is %s)\n", countDays(rules.Within), res.Today)
	}
	if len(res.Documents) > 0 {
		return errExit{exitAttention}
	}
	return nil
}

// byUrgency orders expired documents first (longest expired first), then expiring ones
// by days left, then stale proofs (oldest first); ties by ID, so output is stable.
func byUrgency(a, b expiringEntry) int {
	rank := func(e expiringEntry) (int, int) {
		switch e.Expiry.Status {
		case schema.Expired:
			return 0, -e.Expiry.Days
		case schema.Expiring:
			return 1, e.Expiry.Days
		}
		return 2, -e.Expiry.Days
	}
	ra, da := rank(a)
	rb, db := rank(b)
	return cmp.Or(cmp.Compare(ra, rb), cmp.Compare(da, db), cmp.Compare(a.ID, b.ID))
}
