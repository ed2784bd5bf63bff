package main

// Expiry marks: how list, show, expiring and share tell a person that a document expired,
// expires soon, or (a proof of address) is too old for most partners. The rules themselves
// are schema.TypeSpec.CheckExpiry; this file picks the day, reads the windows and words it.

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"github.com/paspor/paspor/wallet"
	"github.com/paspor/paspor/wallet/schema"
)

// maxWindowDays bounds --within and --stale-after: about 27 years, past any document's life.
const maxWindowDays = 9999

// expiryOptions are the windows of list, show and expiring.
type expiryOptions struct {
	within     string
	staleAfter string
}

func (o *expiryOptions) AddFlags(f *pflag.FlagSet) {
	f.StringVar(&o.within, "within", fmt.Sprintf("%dd", schema.DefaultExpiringWithin),
		"mark documents that expire within this window (days or weeks: 30d, 12w)")
	f.StringVar(&o.staleAfter, "stale-after", fmt.Sprintf("%dd", schema.DefaultStaleAfter),
		"mark proofs of address issued longer ago than this (30d, 12w)")
}

// rules parses the windows; a bad one is a usage error, reported before any unlock.
func (o *expiryOptions) rules() (schema.ExpiryRules, error) {
	within, err := parseWindow("--within", o.within)
	if err != nil {
		return schema.ExpiryRules{}, err
	}
	stale, err := parseWindow("--stale-after", o.staleAfter)
	if err != nil {
		return schema.ExpiryRules{}, err
	}
	return schema.ExpiryRules{Within: within, StaleAfter: stale}, nil
}

// parseWindow reads a whole number of days ("30d") or weeks ("12w"). Months and years
// have no fixed length, so they are not accepted.
func parseWindow(flag, s string) (int, error) {
	unit := 0
	num := s
	if n, ok := strings.CutSuffix(s, "d"); ok {
		unit, num = 1, n
	} else if n, ok := strings.CutSuffix(s, "w"); ok {
		unit, num = 7, n
	}
	n, err := strconv.Atoi(num)
	// Atoi takes "+5" and "-0"; only plain digits are a window. n is bounded before it is
	// multiplied: a huge count of weeks would wrap around to a short window.
	if unit == 0 || err != nil || n < 0 || strconv.Itoa(n) != num || n > maxWindowDays/unit {
		return 0, usageError(flag+" takes a number of days or weeks, up to 9999 days", "for example 30d, 90d or 12w")
	}
	return n * unit, nil
}

// today is the person's calendar day: local time, as TZ sets it. Tests fix the instant
// with testOnlyNow (the test binary's PASPOR_TEST_NOW); paspor itself reads the clock.
func today() time.Time {
	now := time.Now()
	if !testOnlyNow.IsZero() {
		now = testOnlyNow
	}
	return schema.Today(now, time.Local)
}

// expiryView is a document's expiry mark in --json output ("expiry", omitted when none).
type expiryView struct {
	Status schema.ExpiryStatus `json:"status"`
	Field  string              `json:"field"`
	Date   string              `json:"date"`
	Days   int                 `json:"days"`
}

// expiryMarker marks documents against one day and one set of windows. Every document of
// a listing is judged on the same day, even one that runs across midnight.
type expiryMarker struct {
	today time.Time
	rules schema.ExpiryRules
	specs map[string]*schema.TypeSpec // LookupType copies; once per type is enough
}

func newExpiryMarker(rules schema.ExpiryRules) *expiryMarker {
	return &expiryMarker{today: today(), rules: rules, specs: map[string]*schema.TypeSpec{}}
}

// of returns d's mark, or nil when its dates need no attention.
func (m *expiryMarker) of(d *wallet.Document) *expiryView {
	spec, ok := m.specs[d.Type]
	if !ok {
		var err error
		if spec, err = schema.LookupType(d.Type); err != nil {
			return nil
		}
		m.specs[d.Type] = spec
	}
	mark, ok := spec.CheckExpiry(d.Fields, m.today, m.rules)
	if !ok {
		return nil
	}
	return &expiryView{Status: mark.Status, Field: mark.Field, Date: mark.Date, Days: mark.Days}
}

// ofSummary marks a document from its list-index summary, which carries the two dates the
// rules read.
func (m *expiryMarker) ofSummary(s *wallet.Summary) *expiryView {
	fields := map[string]string{}
	if s.ExpiryDate != "" {
		fields["expiry_date"] = s.ExpiryDate
	}
	if s.IssueDate != "" {
		fields["issue_date"] = s.IssueDate
	}
	return m.of(&wallet.Document{ID: s.ID, Type: s.Type, Fields: fields})
}

// text words a mark for a person: "expired 3 days ago", "expires in 12 days",
// "stale: issued 120 days ago". A nil mark reads "-", as empty cells do in tables.
func (v *expiryView) text() string {
	if v == nil {
		return "-"
	}
	switch v.Status {
	case schema.Expired:
		return "expired " + countDays(v.Days) + " ago"
	case schema.Expiring:
		switch v.Days {
		case 0:
			return "expires today"
		case 1:
			return "expires tomorrow"
		}
		return "expires in " + countDays(v.Days)
	case schema.Stale:
		return "stale: issued " + countDays(v.Days) + " ago"
	}
	return string(v.Status)
}

func countDays(n int) string {
	if n == 1 {
		return "1 day"
	}
	return fmt.Sprintf("%d days", n)
}

// printExpiryMark is show's line about a marked document, after its fields and scans.
func printExpiryMark(out io.Writer, v *expiryView, rules schema.ExpiryRules) {
	switch {
	case v == nil:
	case v.Status == schema.Stale:
		fmt.Fprintf(out, "  ! %s (%s %s; partners usually want one from the last %s)\n", v.text(), v.Field, v.Date, countDays(rules.StaleAfter))
	default:
		fmt.Fprintf(out, "  ! %s (%s %s)\n", v.text(), v.Field, v.Date)
	}
}
