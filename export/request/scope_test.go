package request

import (
	"reflect"
	"strings"
	"testing"
)

func TestParseScopeAccepts(t *testing.T) {
	s, err := ParseScope([]byte(`{"elements":[{"type":"passport","fields":["document_no","expiry_date"],"scans":[],"selfie":true,"translation":true},{"type":"personal_details","native_names":true},{"one_of":["utility_bill","rental_agreement"],"scans":["file"],"max_age":90,"optional":true}]}`))
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Elements) != 3 || s.Elements[0].Scans == nil || len(*s.Elements[0].Scans) != 0 || s.Elements[1].Scans != nil {
		t.Fatalf("scans: empty list and absent must differ: %+v", s)
	}
	if got := s.Elements[2].Types(); !reflect.DeepEqual(got, []string{"utility_bill", "rental_agreement"}) {
		t.Fatalf("types %v", got)
	}
}

func TestParseScopeRejects(t *testing.T) {
	many := `{"elements":[` + strings.Repeat(`{"type":"email"},`, MaxElements) + `{"type":"email"}]}`
	cases := []struct {
		name, json, reason string
	}{
		{"empty", `{"elements":[]}`, ReasonScope},
		{"no elements key", `{}`, ReasonScope},
		{"too many", many, ReasonTooLarge},
		{"type and one_of", `{"elements":[{"type":"passport","one_of":["passport","identity_card"]}]}`, ReasonScope},
		{"one_of of one", `{"elements":[{"one_of":["passport"]}]}`, ReasonScope},
		{"unknown type", `{"elements":[{"type":"diploma"}]}`, ReasonScope},
		{"alias is Telegram only", `{"elements":[{"type":"id_document"}]}`, ReasonScope},
		{"duplicate in one_of", `{"elements":[{"one_of":["passport","passport"]}]}`, ReasonScope},
		{"type in two elements", `{"elements":[{"type":"passport"},{"one_of":["identity_card","passport"]}]}`, ReasonScope},
		{"field not of type", `{"elements":[{"type":"passport","fields":["first_name"]}]}`, ReasonScope},
		{"empty fields", `{"elements":[{"type":"passport","fields":[]}]}`, ReasonScope},
		{"duplicate field", `{"elements":[{"type":"passport","fields":["document_no","document_no"]}]}`, ReasonScope},
		{"scan selfie", `{"elements":[{"type":"passport","scans":["selfie"]}]}`, ReasonScope},
		{"scan not of type", `{"elements":[{"type":"passport","scans":["reverse_side"]}]}`, ReasonScope},
		{"selfie on a bill", `{"elements":[{"type":"utility_bill","selfie":true}]}`, ReasonScope},
		{"selfie on a one_of with a bill", `{"elements":[{"one_of":["passport","utility_bill"],"selfie":true}]}`, ReasonScope},
		{"translation on email", `{"elements":[{"type":"email","translation":true}]}`, ReasonScope},
		{"native_names on passport", `{"elements":[{"type":"passport","native_names":true}]}`, ReasonScope},
		{"max_age on passport", `{"elements":[{"type":"passport","max_age":30}]}`, ReasonScope},
		{"max_age negative", `{"elements":[{"type":"utility_bill","max_age":-1}]}`, ReasonScope},
		{"max_age too big", `{"elements":[{"type":"utility_bill","max_age":3651}]}`, ReasonScope},
		{"max_age fraction", `{"elements":[{"type":"utility_bill","max_age":1.5}]}`, ReasonMalformed},
		{"unknown key", `{"elements":[{"type":"passport","optinal":true}]}`, ReasonMalformed},
		{"upper-case key", `{"elements":[{"Type":"passport"}]}`, ReasonMalformed},
		{"duplicate key", `{"elements":[{"type":"passport","type":"email"}]}`, ReasonMalformed},
		{"null", `{"elements":[{"type":"passport","fields":null}]}`, ReasonMalformed},
		{"deep", `{"elements":[{"type":"passport","fields":[[[[[[[[["x"]]]]]]]]]}]}`, ReasonMalformed},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := ParseScope([]byte(c.json))
			wantReason(t, err, c.reason)
		})
	}
}

// TestTelegramScopeEqualsNative: a PassportScope with one_of, selfie, translation,
// native_names and both aliases gives the same scope as the native one written out.
func TestTelegramScopeEqualsNative(t *testing.T) {
	tg, err := ParseTelegramScope([]byte(`{"v":1,"data":[
		{"type":"personal_details","native_names":true},
		{"type":"id_document","selfie":true,"translation":true},
		{"one_of":[{"type":"utility_bill"},"bank_statement"],"translation":true},
		"phone_number",
		{"type":"email"}]}`))
	if err != nil {
		t.Fatal(err)
	}
	native, err := ParseScope([]byte(`{"elements":[
		{"type":"personal_details","native_names":true},
		{"one_of":["passport","internal_passport","identity_card","driver_license"],"selfie":true,"translation":true},
		{"one_of":["utility_bill","bank_statement"],"translation":true},
		{"type":"phone_number"},
		{"type":"email"}]}`))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(tg, native) {
		t.Fatalf("Telegram %+v\nnative   %+v", tg, native)
	}
	// address_document expands to every proof of address.
	tg, err = ParseTelegramScope([]byte(`{"v":1,"data":["address_document"]}`))
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"utility_bill", "bank_statement", "rental_agreement", "passport_registration", "temporary_registration"}
	if !reflect.DeepEqual(tg.Elements[0].Types(), want) {
		t.Fatalf("address_document: %v", tg.Elements[0].Types())
	}
}

func TestParseTelegramScopeRejects(t *testing.T) {
	cases := []struct {
		name, json, reason string
	}{
		{"no v", `{"data":["passport"]}`, ReasonFormat},
		{"v 2", `{"v":2,"data":["passport"]}`, ReasonFormat},
		{"empty data", `{"v":1,"data":[]}`, ReasonScope},
		{"unknown key", `{"v":1,"data":["passport"],"extra":1}`, ReasonMalformed},
		{"unknown element key", `{"v":1,"data":[{"type":"passport","fields":["x"]}]}`, ReasonMalformed},
		{"flags inside one_of", `{"v":1,"data":[{"one_of":[{"type":"passport","selfie":true},"identity_card"]}]}`, ReasonMalformed},
		{"type and one_of", `{"v":1,"data":[{"type":"passport","one_of":["identity_card"]}]}`, ReasonScope},
		{"neither", `{"v":1,"data":[{"selfie":true}]}`, ReasonScope},
		{"number element", `{"v":1,"data":[1]}`, ReasonMalformed},
		{"unknown type", `{"v":1,"data":["diploma"]}`, ReasonScope},
		{"overlap via alias", `{"v":1,"data":["passport","id_document"]}`, ReasonScope},
		{"selfie on address", `{"v":1,"data":[{"type":"address_document","selfie":true}]}`, ReasonScope},
		{"duplicate key", `{"v":1,"v":1,"data":["passport"]}`, ReasonMalformed},
		{"too large", `{"v":1,"data":["` + strings.Repeat("a", MaxTelegramScopeSize) + `"]}`, ReasonTooLarge},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := ParseTelegramScope([]byte(c.json))
			wantReason(t, err, c.reason)
		})
	}
}
