package mrz

import (
	"errors"
	"reflect"
	"testing"
	"time"
)

// testNow fixes the clock so that century choices do not change as the years pass.
var testNow = time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)

// specimens are ICAO Doc 9303's published specimen zones (Part 4 TD3, Part 5 TD1, Part 6
// TD2, Part 7 MRV-A and MRV-B) and national specimens with filler-heavy names.
var specimens = []struct {
	name  string
	lines string
	want  MRZ
}{
	{"ICAO TD3", "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL898902C36UTO7408122F1204159ZE184226B<<<<<10",
		MRZ{Format: TD3, DocumentCode: "P", IssuingState: "UTO", DocumentNumber: "L898902C3", Surname: "ERIKSSON",
			GivenNames: "ANNA MARIA", Nationality: "UTO", BirthDate: "1974-08-12", Sex: "F", ExpiryDate: "2012-04-15",
			OptionalData: "ZE184226B"}},
	{"ICAO TD1", "I<UTOD231458907<<<<<<<<<<<<<<<\n7408122F1204159UTO<<<<<<<<<<<6\nERIKSSON<<ANNA<MARIA<<<<<<<<<<",
		MRZ{Format: TD1, DocumentCode: "I", IssuingState: "UTO", DocumentNumber: "D23145890", Surname: "ERIKSSON",
			GivenNames: "ANNA MARIA", Nationality: "UTO", BirthDate: "1974-08-12", Sex: "F", ExpiryDate: "2012-04-15"}},
	{"ICAO TD2", "I<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<\nD231458907UTO7408122F1204159<<<<<<<6",
		MRZ{Format: TD2, DocumentCode: "I", IssuingState: "UTO", DocumentNumber: "D23145890", Surname: "ERIKSSON",
			GivenNames: "ANNA MARIA", Nationality: "UTO", BirthDate: "1974-08-12", Sex: "F", ExpiryDate: "2012-04-15"}},
	{"ICAO MRV-A", "V<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL8988901C4XXX4009078F96121096ZE184226B<<<<<<",
		MRZ{Format: MRVA, DocumentCode: "V", IssuingState: "UTO", DocumentNumber: "L8988901C", Surname: "ERIKSSON",
			GivenNames: "ANNA MARIA", Nationality: "XXX", BirthDate: "1940-09-07", Sex: "F", ExpiryDate: "1996-12-10",
			OptionalData: "6ZE184226B"}},
	{"ICAO MRV-B", "V<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<\nL8988901C4XXX4009078F9612109<<<<<<<<",
		MRZ{Format: MRVB, DocumentCode: "V", IssuingState: "UTO", DocumentNumber: "L8988901C", Surname: "ERIKSSON",
			GivenNames: "ANNA MARIA", Nationality: "XXX", BirthDate: "1940-09-07", Sex: "F", ExpiryDate: "1996-12-10"}},
	{"German passport", "P<D<<MUSTERMANN<<ERIKA<<<<<<<<<<<<<<<<<<<<<<\nC01X00T478D<<6408125F2702283<<<<<<<<<<<<<<<4",
		MRZ{Format: TD3, DocumentCode: "P", IssuingState: "D", DocumentNumber: "C01X00T47", Surname: "MUSTERMANN",
			GivenNames: "ERIKA", Nationality: "D", BirthDate: "1964-08-12", Sex: "F", ExpiryDate: "2027-02-28"}},
	{"German identity card", "IDD<<T220001293<<<<<<<<<<<<<<<\n6408125<2010315D<<<<<<<<<<<<<4\nMUSTERMANN<<ERIKA<<<<<<<<<<<<<",
		MRZ{Format: TD1, DocumentCode: "ID", IssuingState: "D", DocumentNumber: "T22000129", Surname: "MUSTERMANN",
			GivenNames: "ERIKA", Nationality: "D", BirthDate: "1964-08-12", Sex: "", ExpiryDate: "2020-10-31"}},
	{"Dutch passport", "P<NLDVAN<NIEUWENHUIZEN<<GERARD<ROBBERT<MARTI\nXN01BC0150NLD7112247M1108268123456782<<<<<02",
		MRZ{Format: TD3, DocumentCode: "P", IssuingState: "NLD", DocumentNumber: "XN01BC015", Surname: "VAN NIEUWENHUIZEN",
			GivenNames: "GERARD ROBBERT MARTI", Nationality: "NLD", BirthDate: "1971-12-24", Sex: "M", ExpiryDate: "2011-08-26",
			OptionalData: "123456782"}},
	{"German TD2 passport", "P<D<<MUSTERMANN<<ERIKA<<<<<<<<<<<<<<\nC01X00T478D<<6408125F2702283<<<<<<<4",
		MRZ{Format: TD2, DocumentCode: "P", IssuingState: "D", DocumentNumber: "C01X00T47", Surname: "MUSTERMANN",
			GivenNames: "ERIKA", Nationality: "D", BirthDate: "1964-08-12", Sex: "F", ExpiryDate: "2027-02-28"}},
}

func TestSpecimens(t *testing.T) {
	for _, tc := range specimens {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseAt(tc.lines, testNow)
			if err != nil {
				t.Fatalf("ParseAt: %v", err)
			}
			got.Lines = nil
			if !reflect.DeepEqual(*got, tc.want) {
				t.Errorf("got  %+v\nwant %+v", *got, tc.want)
			}
		})
	}
}

func TestInputForms(t *testing.T) {
	td3 := specimens[0].lines
	for name, in := range map[string]string{
		"one line":        "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<L898902C36UTO7408122F1204159ZE184226B<<<<<10",
		"CRLF and blanks": "\r\n  P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<  \r\n\r\nL898902C36UTO7408122F1204159ZE184226B<<<<<10\r\n",
	} {
		got, err := ParseAt(in, testNow)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if got.Text() != td3 {
			t.Errorf("%s: Text() = %q, want %q", name, got.Text(), td3)
		}
	}
}

func TestShapeErrors(t *testing.T) {
	for name, in := range map[string]string{
		"empty":          "",
		"blank":          " \n\n ",
		"short line":     "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL898902C36UTO7408122F1204159ZE184226B<<<<<1",
		"lower case":     "p<utoeriksson<<anna<maria<<<<<<<<<<<<<<<<<<<\nl898902c36uto7408122f1204159ze184226b<<<<<10",
		"four lines":     "I<UTOD231458907<<<<<<<<<<<<<<<\n7408122F1204159UTO<<<<<<<<<<<6\nERIKSSON<<ANNA<MARIA<<<<<<<<<<\nERIKSSON<<ANNA<MARIA<<<<<<<<<<",
		"too long":       string(make([]byte, MaxInputLen+1)),
		"TD3 not P":      "I<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL898902C36UTO7408122F1204159ZE184226B<<<<<10",
		"digit in names": "P<UTOERIKSS0N<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL898902C36UTO7408122F1204159ZE184226B<<<<<10",
	} {
		_, err := ParseAt(in, testNow)
		var fe *FieldError
		if !errors.As(err, &fe) {
			t.Errorf("%s: err = %v, want *FieldError", name, err)
		}
	}
}
