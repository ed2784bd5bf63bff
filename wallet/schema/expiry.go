package schema

import (
	"time"
)

// ExpiryStatus says why a document needs attention because of its dates.
type ExpiryStatus string

// Expiry statuses, as list, show and expiring print them (text and JSON).
const (
	// Expired: the expiry_date is before today. A document is valid through its expiry
	// day, as ICAO 9303 and most issuers define it.
	Expired ExpiryStatus = "expired"
	// Expiring: the expiry_date is today or within the window after it.
	Expiring ExpiryStatus = "expiring"
	// Stale: a proof of address whose issue_date is more than the stale window ago;
	// partners usually accept one only if it was issued within three months.
	Stale ExpiryStatus = "stale"
)

// Default windows of [ExpiryRules], in days.
const (
	DefaultExpiringWithin = 90
	DefaultStaleAfter     = 90
)

// ExpiryRules are the windows [TypeSpec.CheckExpiry] applies, in whole days.
type ExpiryRules struct {
	// Within marks a document expiring when its last valid day is at most this many days
	// after today (0: only the expiry day itself).
	Within int
	// StaleAfter marks a proof of address stale when its issue_date is more than this many
	// days before today: a bill issued on 1 March is fresh through 1 March + StaleAfter.
	StaleAfter int
}

// DefaultExpiryRules are the windows used when the person chose none.
func DefaultExpiryRules() ExpiryRules {
	return ExpiryRules{Within: DefaultExpiringWithin, StaleAfter: DefaultStaleAfter}
}

// ExpiryMark is what [TypeSpec.CheckExpiry] found about one document.
type ExpiryMark struct {
	Status ExpiryStatus
	// Field is the date field the mark is about: expiry_date, or issue_date for Stale.
	Field string
	// Date is that field's value (YYYY-MM-DD).
	Date string
	// Days counts whole days from today: for Expired, days since the expiry day (1 the day
	// after it); for Expiring, days left (0: today is the last valid day); for Stale, the
	// document's age (days since its issue_date).
	Days int
}

// proofOfAddress are the types whose issue_date ages: a partner wants a recent one.
var proofOfAddress = map[string]bool{
	"utility_bill": true, "bank_statement": true, "rental_agreement": true,
	"passport_registration": true, "temporary_registration": true,
}

// IsProofOfAddress reports whether documents of this type prove an address and go stale
// with the age of their issue_date.
func (t *TypeSpec) IsProofOfAddress() bool { return proofOfAddress[t.Name] }

// Today is the calendar day that the instant now falls on in loc (the person's time zone),
// as midnight UTC of that day. At one instant it is Tuesday in Kiribati (UTC+14) and still
// Monday on Baker Island (UTC-12): each person's own date decides what has expired.
func Today(now time.Time, loc *time.Location) time.Time {
	y, m, d := now.In(loc).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// CheckExpiry reports the document's date status on the day today (a value of [Today]),
// and false when its dates need no attention: no expiry_date (or, for a proof of address,
// no issue_date), an expiry day further away than rules.Within, a recent proof. fields
// holds normalised values (YYYY-MM-DD); a value that is not a date gives no mark, since
// the schema refuses such values when they are stored. It is pure: the caller passes the
// day, so that the same document is judged the same way everywhere.
func (t *TypeSpec) CheckExpiry(fields map[string]string, today time.Time, rules ExpiryRules) (ExpiryMark, bool) {
	if v := t.ExpiryDate(fields); v != "" {
		e, ok := parseDay(v)
		if !ok {
			return ExpiryMark{}, false
		}
		left := daysBetween(today, e)
		switch {
		case left < 0:
			return ExpiryMark{Status: Expired, Field: fieldExpiryDate, Date: v, Days: -left}, true
		case left <= rules.Within:
			return ExpiryMark{Status: Expiring, Field: fieldExpiryDate, Date: v, Days: left}, true
		}
		return ExpiryMark{}, false
	}
	if !t.IsProofOfAddress() {
		return ExpiryMark{}, false
	}
	v := fields[fieldIssueDate]
	issued, ok := parseDay(v)
	if !ok {
		return ExpiryMark{}, false
	}
	if age := daysBetween(issued, today); age > rules.StaleAfter {
		return ExpiryMark{Status: Stale, Field: fieldIssueDate, Date: v, Days: age}, true
	}
	return ExpiryMark{}, false
}

// parseDay reads a stored date as midnight UTC of that day.
func parseDay(s string) (time.Time, bool) {
	d, err := time.Parse(time.DateOnly, s)
	return d, err == nil
}

// daysBetween counts the days from a to b, both midnight UTC (UTC has no daylight saving,
// so every day is 86,400 seconds long). Unix seconds, unlike a time.Duration, do not
// saturate for dates centuries apart.
func daysBetween(a, b time.Time) int {
	return int((b.Unix() - a.Unix()) / 86400)
}
