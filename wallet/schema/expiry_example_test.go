package schema_test

import (
	"fmt"
	"time"

	"github.com/paspor/paspor/wallet/schema"
)

// The day decides, not the instant: Today takes the person's time zone, and CheckExpiry
// judges a document on that day. A passport is valid through its expiry day.
func ExampleTypeSpec_CheckExpiry() {
	passport, _ := schema.LookupType("passport")
	bill, _ := schema.LookupType("utility_bill")
	rules := schema.DefaultExpiryRules()
	now := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	today := schema.Today(now, time.UTC)

	for _, expiry := range []string{"2026-11-30", "2026-12-01", "2027-02-01", "2027-06-01"} {
		m, ok := passport.CheckExpiry(map[string]string{"expiry_date": expiry}, today, rules)
		fmt.Println(expiry, m.Status, m.Days, ok)
	}
	m, ok := bill.CheckExpiry(map[string]string{"issue_date": "2026-08-01"}, today, rules)
	fmt.Println(m.Field, m.Status, m.Days, ok)
	// Output:
	// 2026-11-30 expired 1 true
	// 2026-12-01 expiring 0 true
	// 2027-02-01 expiring 62 true
	// 2027-06-01  0 false
	// issue_date stale 122 true
}

func ExampleToday() {
	instant := time.Date(2026, 3, 1, 10, 30, 0, 0, time.UTC)
	fmt.Println(schema.Today(instant, time.FixedZone("UTC+14", 14*3600)).Format(time.DateOnly))
	fmt.Println(schema.Today(instant, time.FixedZone("UTC-12", -12*3600)).Format(time.DateOnly))
	// Output:
	// 2026-03-02
	// 2026-02-28
}
