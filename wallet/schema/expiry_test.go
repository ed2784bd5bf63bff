package schema

import (
	"testing"
	"time"
)

func day(s string) time.Time {
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return d
}

// TestCheckExpiryEdges walks the edges of both windows: the expiry day itself (still
// valid), the day after, the last day of the window and the one past it, leap days, and
// a proof of address on the last fresh day and the first stale one.
func TestCheckExpiryEdges(t *testing.T) {
	rules := ExpiryRules{Within: 30, StaleAfter: 90}
	tests := []struct {
		name   string
		typ    string
		fields map[string]string
		today  string
		want   ExpiryStatus // "" for no mark
		days   int
	}{
		{"expires today: last valid day", "passport", map[string]string{"expiry_date": "2026-12-01"}, "2026-12-01", Expiring, 0},
		{"expired yesterday", "passport", map[string]string{"expiry_date": "2026-11-30"}, "2026-12-01", Expired, 1},
		{"expires tomorrow", "identity_card", map[string]string{"expiry_date": "2026-12-02"}, "2026-12-01", Expiring, 1},
		{"window day", "driver_license", map[string]string{"expiry_date": "2026-12-31"}, "2026-12-01", Expiring, 30},
		{"day after the window", "internal_passport", map[string]string{"expiry_date": "2027-01-01"}, "2026-12-01", "", 0},
		{"long expired", "passport", map[string]string{"expiry_date": "2016-12-01"}, "2026-12-01", Expired, 3652},
		{"far future", "passport", map[string]string{"expiry_date": "9999-12-31"}, "2026-12-01", "", 0},
		{"year one", "passport", map[string]string{"expiry_date": "0001-01-01"}, "2026-12-01", Expired, 739950}, // python3: (date(2026,12,1)-date(1,1,1)).days,
		// Leap days: Feb 29 + 1 is Mar 1, and a window over Feb 29 counts it.
		{"expires on a leap day, seen that day", "passport", map[string]string{"expiry_date": "2028-02-29"}, "2028-02-29", Expiring, 0},
		{"expired on a leap day, seen Mar 1", "passport", map[string]string{"expiry_date": "2028-02-29"}, "2028-03-01", Expired, 1},
		{"window over a leap day", "passport", map[string]string{"expiry_date": "2028-03-30"}, "2028-02-29", Expiring, 30},
		{"window over a leap day, one past", "passport", map[string]string{"expiry_date": "2028-03-31"}, "2028-02-29", "", 0},
		{"window from Feb 28 crosses Feb 29", "passport", map[string]string{"expiry_date": "2028-03-29"}, "2028-02-28", Expiring, 30},
		{"non-leap year Feb 28 + 30", "passport", map[string]string{"expiry_date": "2027-03-30"}, "2027-02-28", Expiring, 30},
		{"no expiry date", "passport", map[string]string{"document_no": "P1"}, "2026-12-01", "", 0},
		{"expiry before today on a type without expiry", "email", map[string]string{"expiry_date": "2000-01-01"}, "2026-12-01", "", 0},
		{"unreadable date gives no mark", "passport", map[string]string{"expiry_date": "31.12.2020"}, "2026-12-01", "", 0},
		// Proofs of address: fresh through issue_date + StaleAfter.
		{"bill issued today", "utility_bill", map[string]string{"issue_date": "2026-12-01"}, "2026-12-01", "", 0},
		{"bill on its last fresh day", "utility_bill", map[string]string{"issue_date": "2026-09-02"}, "2026-12-01", "", 0},
		{"bill one day stale", "bank_statement", map[string]string{"issue_date": "2026-09-01"}, "2026-12-01", Stale, 91},
		{"stale window over a leap day", "rental_agreement", map[string]string{"issue_date": "2027-12-01"}, "2028-02-29", "", 0},
		{"stale from leap day + 91", "passport_registration", map[string]string{"issue_date": "2028-02-29"}, "2028-05-30", Stale, 91},
		{"fresh through leap day + 90", "temporary_registration", map[string]string{"issue_date": "2028-02-29"}, "2028-05-29", "", 0},
		{"bill without issue date", "utility_bill", map[string]string{}, "2026-12-01", "", 0},
		{"issued in the future is not stale", "utility_bill", map[string]string{"issue_date": "2027-01-01"}, "2026-12-01", "", 0},
		{"an old passport issue date does not make it stale", "passport", map[string]string{"issue_date": "2000-01-01"}, "2026-12-01", "", 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			spec, err := LookupType(tc.typ)
			if err != nil {
				t.Fatal(err)
			}
			m, ok := spec.CheckExpiry(tc.fields, day(tc.today), rules)
			if ok != (tc.want != "") {
				t.Fatalf("CheckExpiry = %+v, %v; want status %q", m, ok, tc.want)
			}
			if !ok {
				return
			}
			if m.Status != tc.want || m.Days != tc.days {
				t.Errorf("CheckExpiry = %s %d days, want %s %d days", m.Status, m.Days, tc.want, tc.days)
			}
			wantField := "expiry_date"
			if tc.want == Stale {
				wantField = "issue_date"
			}
			if m.Field != wantField || m.Date != tc.fields[wantField] {
				t.Errorf("mark names %s=%s, want %s=%s", m.Field, m.Date, wantField, tc.fields[wantField])
			}
		})
	}
}

// TestCheckExpiryZeroWindow: --within 0d marks only the expiry day itself, not the next.
func TestCheckExpiryZeroWindow(t *testing.T) {
	spec, _ := LookupType("passport")
	rules := ExpiryRules{Within: 0, StaleAfter: 0}
	if m, ok := spec.CheckExpiry(map[string]string{"expiry_date": "2026-12-01"}, day("2026-12-01"), rules); !ok || m.Status != Expiring {
		t.Errorf("expiry day with a 0 window = %+v, %v; want expiring", m, ok)
	}
	if _, ok := spec.CheckExpiry(map[string]string{"expiry_date": "2026-12-02"}, day("2026-12-01"), rules); ok {
		t.Error("tomorrow's expiry marked with a 0 window")
	}
	bill, _ := LookupType("utility_bill")
	if _, ok := bill.CheckExpiry(map[string]string{"issue_date": "2026-12-01"}, day("2026-12-01"), rules); ok {
		t.Error("a bill issued today is stale with a 0 window")
	}
	if m, ok := bill.CheckExpiry(map[string]string{"issue_date": "2026-11-30"}, day("2026-12-01"), rules); !ok || m.Status != Stale {
		t.Errorf("yesterday's bill with a 0 window = %+v, %v; want stale", m, ok)
	}
}

// TestTodayTimeZones: at one instant, a person at UTC+14 and one at UTC-12 live on dates two
// days apart, and a passport expiring on the middle day is expired for one, expiring for
// the other.
func TestTodayTimeZones(t *testing.T) {
	instant := time.Date(2026, 3, 1, 10, 30, 0, 0, time.UTC)
	kiribati := time.FixedZone("UTC+14", 14*3600)
	baker := time.FixedZone("UTC-12", -12*3600)
	tests := []struct {
		loc  *time.Location
		want string
	}{
		{time.UTC, "2026-03-01"},
		{kiribati, "2026-03-02"},
		{baker, "2026-02-28"},
	}
	for _, tc := range tests {
		got := Today(instant, tc.loc)
		if got.Format(time.DateOnly) != tc.want {
			t.Errorf("Today at %s = %s, want %s", tc.loc, got.Format(time.DateOnly), tc.want)
		}
		if got.Location() != time.UTC || got.Hour() != 0 {
			t.Errorf("Today at %s = %v, want midnight UTC", tc.loc, got)
		}
	}
	spec, _ := LookupType("passport")
	fields := map[string]string{"expiry_date": "2026-03-01"}
	rules := DefaultExpiryRules()
	if m, _ := spec.CheckExpiry(fields, Today(instant, kiribati), rules); m.Status != Expired || m.Days != 1 {
		t.Errorf("at UTC+14: %+v, want expired 1 day", m)
	}
	if m, _ := spec.CheckExpiry(fields, Today(instant, baker), rules); m.Status != Expiring || m.Days != 1 {
		t.Errorf("at UTC-12: %+v, want expiring in 1 day", m)
	}
	// The last second of a day in one zone is already the next day in another.
	late := time.Date(2026, 2, 28, 23, 59, 59, 0, baker)
	if got := Today(late, baker).Format(time.DateOnly); got != "2026-02-28" {
		t.Errorf("Today(23:59:59 at UTC-12) = %s", got)
	}
	if got := Today(late, time.UTC).Format(time.DateOnly); got != "2026-03-01" {
		t.Errorf("Today(11:59:59 UTC next day) = %s", got)
	}
}

func TestIsProofOfAddress(t *testing.T) {
	for _, name := range TypeNames() {
		spec, _ := LookupType(name)
		_, hasIssue := spec.Field("issue_date")
		_, hasExpiry := spec.Field("expiry_date")
		// Every type that has an issue date and no expiry date ages; no other type does.
		if want := hasIssue && !hasExpiry; spec.IsProofOfAddress() != want {
			t.Errorf("%s: IsProofOfAddress = %v, want %v", name, spec.IsProofOfAddress(), want)
		}
	}
}
