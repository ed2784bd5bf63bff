package schema_test

import (
	"fmt"
	"sort"

	"github.com/paspor/paspor/wallet/schema"
)

// A document is validated in two steps: NormalizeFields checks and canonicalises what was
// given, CheckRequired checks that nothing required is missing.
func ExampleLookupType() {
	passport, err := schema.LookupType("passport")
	if err != nil {
		panic(err)
	}
	fields, err := passport.NormalizeFields(map[string]string{
		"document_no":     " C01X00T47 ",
		"expiry_date":     "31.10.2031",
		"issuing_country": "de",
	})
	if err != nil {
		panic(err)
	}
	if err := passport.CheckRequired(fields); err != nil {
		panic(err)
	}
	names := make([]string, 0, len(fields))
	for name := range fields {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		fmt.Printf("%s=%s\n", name, fields[name])
	}

	_, err = passport.NormalizeFields(map[string]string{"expiry_date": "31.04.2031"})
	fmt.Println(err)
	_, err = schema.LookupType("visa")
	fmt.Println(err)
	// Output:
	// document_no=C01X00T47
	// expiry_date=2031-10-31
	// issuing_country=DE
	// expiry_date: not a date (want YYYY-MM-DD or DD.MM.YYYY)
	// type: unknown document type (want personal_details, passport, internal_passport, identity_card, driver_license, address, utility_bill, bank_statement, rental_agreement, passport_registration, temporary_registration, phone_number, email)
}
