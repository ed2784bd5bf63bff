package request_test

import (
	"fmt"

	"github.com/paspor/paspor/export/request"
)

// The compact form of a scope, as `paspor partner request --want` takes it: one element per
// spec, types joined by | for one_of, options after the colon.
func ExampleParseWants() {
	s, err := request.ParseWants([]string{
		"personal_details",
		"passport|identity_card|driver_license:selfie,translation",
		"address_document:max_age=90,optional",
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, e := range s.Elements {
		fmt.Println(e.Types(), "selfie:", e.Selfie, "max_age:", e.MaxAge, "optional:", e.Optional)
	}
	_, err = request.ParseWants([]string{"passport:blurry"})
	fmt.Println(err)
	// Output:
	// [personal_details] selfie: false max_age: 0 optional: false
	// [passport identity_card driver_license] selfie: true max_age: 0 optional: false
	// [utility_bill bank_statement rental_agreement passport_registration temporary_registration] selfie: false max_age: 90 optional: true
	// scope rejected (scope): want 1: unknown option blurry
}
