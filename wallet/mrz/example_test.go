package mrz_test

import (
	"errors"
	"fmt"

	"github.com/paspor/paspor/wallet/mrz"
)

func ExampleParse() {
	// ICAO Doc 9303 Part 4's specimen passport.
	m, err := mrz.Parse("P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\n" +
		"L898902C36UTO7408122F1204159ZE184226B<<<<<10")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(m.Format, m.DocumentNumber, m.Surname+",", m.GivenNames, m.BirthDate, m.Gender(), m.ExpiryDate)
	if _, err := mrz.Alpha2(m.IssuingState); err != nil {
		fmt.Println(err)
	}

	// The same zone as OCR might read it: a letter O for the zero in the document number.
	_, err = mrz.Parse("P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\n" +
		"L8989O2C36UTO7408122F1204159ZE184226B<<<<<10")
	var ce *mrz.CheckDigitError
	if errors.As(err, &ce) {
		fmt.Println(err)
		fmt.Println(ce.Hint())
	}
	// Output:
	// TD3 L898902C3 ERIKSSON, ANNA MARIA 1974-08-12 female 2012-04-15
	// mrz: state code "UTO" has no ISO 3166-1 alpha-2 country code
	// mrz: check digit of document_no (line 2, column 10) does not match
	// check the characters OCR often confuses: line 2, column 6: 'O' may be '0'
}

func ExampleAlpha2() {
	for _, code := range []string{"DEU", "D", "GBD", "XXA"} {
		a2, err := mrz.Alpha2(code)
		fmt.Printf("%s: %q %v\n", code, a2, err)
	}
	// Output:
	// DEU: "DE" <nil>
	// D: "DE" <nil>
	// GBD: "GB" <nil>
	// XXA: "" mrz: state code "XXA" has no ISO 3166-1 alpha-2 country code
}
