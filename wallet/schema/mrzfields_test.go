package schema

import (
	"errors"
	"strings"
	"testing"

	"github.com/paspor/paspor/wallet/mrz"
)

// German specimen passport (ICAO 9303 layout TD3).
const germanTD3 = "P<D<<MUSTERMANN<<ERIKA<<<<<<<<<<<<<<<<<<<<<<\nC01X00T478D<<6408125F2702283<<<<<<<<<<<<<<<4"

func TestMergeMRZ(t *testing.T) {
	spec, _ := LookupType("passport")
	zone, err := mrz.Parse(germanTD3)
	if err != nil {
		t.Fatal(err)
	}
	got, err := spec.MergeMRZ(map[string]string{"issue_date": "2017-03-01"}, zone)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"document_no": "C01X00T47", "expiry_date": "2027-02-28", "issuing_country": "DE",
		"issue_date": "2017-03-01", "mrz": strings.ReplaceAll(germanTD3, "\n", "")}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %q, want %q", k, got[k], v)
		}
	}
	if _, err := spec.NormalizeFields(got); err != nil {
		t.Errorf("merged fields do not validate: %v", err)
	}
	// Agreeing values in other spellings are fine; disagreeing ones name the field.
	if _, err := spec.MergeMRZ(map[string]string{"expiry_date": "28.02.2027", "issuing_country": "de"}, zone); err != nil {
		t.Errorf("agreeing fields: %v", err)
	}
	for field, v := range map[string]string{"document_no": "C01X00T48", "expiry_date": "2027-02-27", "issuing_country": "AT"} {
		_, err := spec.MergeMRZ(map[string]string{field: v}, zone)
		var inv *InvalidInputError
		if !errors.As(err, &inv) || inv.Field != field || strings.Contains(err.Error(), v) {
			t.Errorf("%s=%s: err = %v, want one naming the field and not the value", field, v, err)
		}
	}
	// A state code with no alpha-2 code is an error unless issuing_country is given.
	utopia, err := mrz.Parse("P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL898902C36UTO7408122F1204159ZE184226B<<<<<10")
	if err != nil {
		t.Fatal(err)
	}
	var inv *InvalidInputError
	if _, err := spec.MergeMRZ(nil, utopia); !errors.As(err, &inv) || inv.Field != "issuing_country" {
		t.Errorf("UTO: err = %v", err)
	}
	if _, err := spec.MergeMRZ(map[string]string{"issuing_country": "DE"}, utopia); err != nil {
		t.Errorf("UTO with issuing_country given: %v", err)
	}
	email, _ := LookupType("email")
	if _, err := email.MergeMRZ(nil, zone); err == nil {
		t.Error("email took an MRZ")
	}
}

func TestCheckMRZ(t *testing.T) {
	spec, _ := LookupType("passport")
	zone, _ := mrz.Parse(germanTD3)
	fields, err := spec.MergeMRZ(nil, zone)
	if err != nil {
		t.Fatal(err)
	}
	if err := spec.CheckMRZ(fields); err != nil {
		t.Errorf("fresh fields: %v", err)
	}
	fields["document_no"] = "C01X00T48"
	var inv *InvalidInputError
	if err := spec.CheckMRZ(fields); !errors.As(err, &inv) || inv.Field != "document_no" {
		t.Errorf("edited document_no: %v", err)
	}
	if err := spec.CheckMRZ(map[string]string{"document_no": "X"}); err != nil {
		t.Errorf("no mrz: %v", err)
	}
}

func TestMRZFieldValidated(t *testing.T) {
	spec, _ := LookupType("identity_card")
	td1 := "I<UTOD231458907<<<<<<<<<<<<<<< 7408122F1204159UTO<<<<<<<<<<<6 ERIKSSON<<ANNA<MARIA<<<<<<<<<<"
	got, err := spec.NormalizeField("mrz", td1)
	if err != nil || got != strings.ReplaceAll(td1, " ", "") {
		t.Errorf("NormalizeField(mrz) = %q, %v", got, err)
	}
	_, err = spec.NormalizeField("mrz", strings.Replace(td1, "D23145890", "D23145891", 1))
	if err == nil || !strings.Contains(err.Error(), "document_no") || strings.Contains(err.Error(), "D2314") {
		t.Errorf("bad check digit: %v", err)
	}
}

func TestPersonalDetailsFromMRZ(t *testing.T) {
	zone, _ := mrz.Parse(germanTD3)
	got := PersonalDetailsFromMRZ(zone)
	want := map[string]string{"last_name": "MUSTERMANN", "first_name": "ERIKA", "birth_date": "1964-08-12", "gender": "female", "country_code": "DE"}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %q, want %q", k, got[k], v)
		}
	}
	stored := map[string]string{"first_name": "Erika", "last_name": "Mustermann", "birth_date": "1964-08-12", "gender": "female",
		"country_code": "DE", "residence_country_code": "DE"}
	if d := DisagreeingPersonalDetails(stored, zone); len(d) != 0 {
		t.Errorf("agreeing document: %v", d)
	}
	stored["birth_date"], stored["country_code"] = "1964-08-13", "AT"
	if d := DisagreeingPersonalDetails(stored, zone); strings.Join(d, ",") != "birth_date,country_code" {
		t.Errorf("disagreeing document: %v", d)
	}
}

// A zone of another kind of document than the type is refused, naming the document code.
func TestMergeMRZDocumentCode(t *testing.T) {
	zones := map[string]string{
		"passport": germanTD3,
		"card":     "IDD<<T220001293<<<<<<<<<<<<<<<\n6408125<2010315D<<<<<<<<<<<<<4\nMUSTERMANN<<ERIKA<<<<<<<<<<<<<",
		"visa":     "V<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL8988901C4XXX4009078F96121096ZE184226B<<<<<<",
		"td2 card": "I<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<\nD231458907UTO7408122F1204159<<<<<<<6",
	}
	tests := []struct {
		typ, zone string
		ok        bool
	}{
		{"passport", "passport", true},
		{"internal_passport", "passport", true},
		{"identity_card", "passport", false},
		{"driver_license", "passport", false},
		{"passport", "card", false},
		{"internal_passport", "card", false},
		{"identity_card", "card", true},
		{"identity_card", "td2 card", true},
		{"driver_license", "card", false},
		{"passport", "visa", false},
		{"internal_passport", "visa", false},
		{"identity_card", "visa", false},
		{"driver_license", "visa", false},
	}
	for _, tt := range tests {
		spec, err := LookupType(tt.typ)
		if err != nil {
			t.Fatal(err)
		}
		zone, err := mrz.Parse(zones[tt.zone])
		if err != nil {
			t.Fatalf("%s: %v", tt.zone, err)
		}
		// issuing_country given, so that UTO zones fail on nothing but their kind.
		given := map[string]string{"issuing_country": "DE"}
		if zone.IssuingState != "UTO" {
			given = nil
		}
		_, err = spec.MergeMRZ(given, zone)
		var inv *InvalidInputError
		switch {
		case tt.ok && err != nil:
			t.Errorf("%s with a %s zone: %v", tt.typ, tt.zone, err)
		case !tt.ok && (!errors.As(err, &inv) || inv.Field != "document_code"):
			t.Errorf("%s with a %s zone: err = %v, want one naming document_code", tt.typ, tt.zone, err)
		}
		// The mrz field given directly is checked the same way.
		_, err = spec.NormalizeField("mrz", zones[tt.zone])
		if tt.ok != (err == nil) {
			t.Errorf("%s, mrz field of a %s zone: err = %v, want ok=%v", tt.typ, tt.zone, err, tt.ok)
		}
	}
}
