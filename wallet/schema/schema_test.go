package schema

import (
	"errors"
	"maps"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// validFields holds a complete, valid document of every type: the starting point of the
// required-field tests, and proof that each type accepts something.
var validFields = map[string]map[string]string{
	"personal_details": {
		"first_name": "Erika", "last_name": "Mustermann", "birth_date": "12.08.1964",
		"gender": "Female", "country_code": "de", "residence_country_code": "DE",
		"middle_name": "Anna", "first_name_native": "Эрика", "last_name_native": "Мустерман",
		"middle_name_native": "Анна",
	},
	"passport":               {"document_no": "C01X00T47", "expiry_date": "2031-10-31", "issue_date": "2021-11-01", "issuing_country": "DE"},
	"internal_passport":      {"document_no": "4509 123456"},
	"identity_card":          {"document_no": "L01X00T47", "issuing_country": "fr"},
	"driver_license":         {"document_no": "B072RRE2I55", "expiry_date": "01.01.2033"},
	"address":                {"street_line1": "Heidestraße 17", "city": "Köln", "post_code": "51147", "country_code": "DE", "street_line2": "2. OG", "state": "NRW"},
	"utility_bill":           {"issue_date": "2025-01-15"},
	"bank_statement":         {},
	"rental_agreement":       {"issue_date": "29.02.2024"},
	"passport_registration":  {},
	"temporary_registration": {"issue_date": "2025-06-30"},
	"phone_number":           {"phone_number": "+49 151 1234-5678"},
	"email":                  {"email": "erika@example.com"},
}

// requiredFields is the table of required fields (Telegram Passport's), written out again so that a change
// to the schema has to change this test too.
var requiredFields = map[string][]string{
	"personal_details":       {"first_name", "last_name", "birth_date", "gender", "country_code", "residence_country_code"},
	"passport":               {"document_no"},
	"internal_passport":      {"document_no"},
	"identity_card":          {"document_no"},
	"driver_license":         {"document_no"},
	"address":                {"street_line1", "city", "post_code", "country_code"},
	"utility_bill":           nil,
	"bank_statement":         nil,
	"rental_agreement":       nil,
	"passport_registration":  nil,
	"temporary_registration": nil,
	"phone_number":           {"phone_number"},
	"email":                  {"email"},
}

func mustType(t *testing.T, name string) *TypeSpec {
	t.Helper()
	ts, err := LookupType(name)
	if err != nil {
		t.Fatalf("LookupType(%q): %v", name, err)
	}
	return ts
}

// invalidInput asserts that err is an *InvalidInputError for field and returns it.
func invalidInput(t *testing.T, err error, field string) *InvalidInputError {
	t.Helper()
	var ie *InvalidInputError
	if !errors.As(err, &ie) {
		t.Fatalf("error = %v (%T), want *InvalidInputError", err, err)
	}
	if ie.Field != field {
		t.Errorf("Field = %q, want %q (error %q)", ie.Field, field, err)
	}
	return ie
}

func TestSchemaTypeNames(t *testing.T) {
	want := []string{
		"personal_details", "passport", "internal_passport", "identity_card", "driver_license",
		"address", "utility_bill", "bank_statement", "rental_agreement", "passport_registration",
		"temporary_registration", "phone_number", "email",
	}
	got := TypeNames()
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("TypeNames() = %v, want %v", got, want)
	}
	got[0] = "changed"
	if TypeNames()[0] != want[0] {
		t.Error("TypeNames returns the schema's own slice")
	}
}

func TestSchemaLookupType(t *testing.T) {
	for _, name := range TypeNames() {
		ts := mustType(t, name)
		if ts.Name != name {
			t.Errorf("LookupType(%q).Name = %q", name, ts.Name)
		}
	}
	for _, bad := range []string{"", "Passport", "passport ", "id_card", "drivers_license", "selfie"} {
		_, err := LookupType(bad)
		ie := invalidInput(t, err, "type")
		for _, name := range TypeNames() {
			if !strings.Contains(ie.Reason, name) {
				t.Errorf("LookupType(%q) reason %q does not list %s", bad, ie.Reason, name)
			}
		}
	}
}

func TestSchemaLookupTypeReturnsCopy(t *testing.T) {
	ts := mustType(t, "passport")
	ts.Fields[0].Required = false
	ts.Roles[0].Name = "changed"
	again := mustType(t, "passport")
	if !again.Fields[0].Required || again.Roles[0].Name != "front_side" {
		t.Error("changing a looked-up TypeSpec changed the schema")
	}
}

func TestSchemaFieldsAndRoles(t *testing.T) {
	tests := []struct {
		typ    string
		fields string
		roles  []RoleSpec
	}{
		{"personal_details", "first_name last_name middle_name birth_date gender country_code residence_country_code first_name_native last_name_native middle_name_native", nil},
		{"passport", "document_no expiry_date issue_date issuing_country", []RoleSpec{{"front_side", false}, {"selfie", false}, {"translation", true}}},
		{"internal_passport", "document_no expiry_date issue_date issuing_country", []RoleSpec{{"front_side", false}, {"selfie", false}, {"translation", true}}},
		{"identity_card", "document_no expiry_date issue_date issuing_country", []RoleSpec{{"front_side", false}, {"reverse_side", false}, {"selfie", false}, {"translation", true}}},
		{"driver_license", "document_no expiry_date issue_date issuing_country", []RoleSpec{{"front_side", false}, {"reverse_side", false}, {"selfie", false}, {"translation", true}}},
		{"address", "street_line1 street_line2 city state post_code country_code", nil},
		{"utility_bill", "issue_date", []RoleSpec{{"file", true}, {"translation", true}}},
		{"bank_statement", "issue_date", []RoleSpec{{"file", true}, {"translation", true}}},
		{"rental_agreement", "issue_date", []RoleSpec{{"file", true}, {"translation", true}}},
		{"passport_registration", "issue_date", []RoleSpec{{"file", true}, {"translation", true}}},
		{"temporary_registration", "issue_date", []RoleSpec{{"file", true}, {"translation", true}}},
		{"phone_number", "phone_number", nil},
		{"email", "email", nil},
	}
	for _, tt := range tests {
		ts := mustType(t, tt.typ)
		if got := strings.Join(ts.fieldNames(), " "); got != tt.fields {
			t.Errorf("%s fields = %s, want %s", tt.typ, got, tt.fields)
		}
		if len(ts.Roles) != len(tt.roles) || len(tt.roles) > 0 && !reflect.DeepEqual(ts.Roles, tt.roles) {
			t.Errorf("%s roles = %v, want %v", tt.typ, ts.Roles, tt.roles)
		}
		for _, f := range ts.Fields {
			if got, ok := ts.Field(f.Name); !ok || got != f {
				t.Errorf("%s.Field(%q) = %v, %v", tt.typ, f.Name, got, ok)
			}
		}
		for _, r := range ts.Roles {
			if got, ok := ts.Role(r.Name); !ok || got != r {
				t.Errorf("%s.Role(%q) = %v, %v", tt.typ, r.Name, got, ok)
			}
		}
		if _, ok := ts.Field("nope"); ok {
			t.Errorf("%s.Field(nope) found", tt.typ)
		}
		if _, ok := ts.Role("nope"); ok {
			t.Errorf("%s.Role(nope) found", tt.typ)
		}
	}
}

func TestSchemaFieldKinds(t *testing.T) {
	tests := []struct {
		typ, field string
		kind       FieldKind
	}{
		{"personal_details", "first_name", FieldText},
		{"personal_details", "birth_date", FieldDate},
		{"personal_details", "gender", FieldGender},
		{"personal_details", "country_code", FieldCountry},
		{"personal_details", "residence_country_code", FieldCountry},
		{"passport", "document_no", FieldText},
		{"passport", "expiry_date", FieldDate},
		{"identity_card", "issue_date", FieldDate},
		{"driver_license", "issuing_country", FieldCountry},
		{"address", "post_code", FieldText},
		{"address", "country_code", FieldCountry},
		{"utility_bill", "issue_date", FieldDate},
		{"phone_number", "phone_number", FieldPhone},
		{"email", "email", FieldEmail},
	}
	for _, tt := range tests {
		f, ok := mustType(t, tt.typ).Field(tt.field)
		if !ok || f.Kind != tt.kind {
			t.Errorf("%s.%s kind = %v (found %v), want %v", tt.typ, tt.field, f.Kind, ok, tt.kind)
		}
	}
}

func TestSchemaRequiredFields(t *testing.T) {
	for _, typ := range TypeNames() {
		ts := mustType(t, typ)
		full := validFields[typ]
		if err := ts.CheckRequired(full); err != nil {
			t.Errorf("%s: complete document: %v", typ, err)
		}
		var got []string
		for _, f := range ts.Fields {
			if f.Required {
				got = append(got, f.Name)
			}
		}
		if !reflect.DeepEqual(got, requiredFields[typ]) {
			t.Errorf("%s required = %v, want %v", typ, got, requiredFields[typ])
		}
		for _, name := range requiredFields[typ] {
			for _, missing := range []string{"absent", "empty", "blank"} {
				fields := maps.Clone(full)
				switch missing {
				case "absent":
					delete(fields, name)
				case "empty":
					fields[name] = ""
				case "blank":
					fields[name] = " \t"
				}
				ie := invalidInput(t, ts.CheckRequired(fields), name)
				if ie.Reason != "required" {
					t.Errorf("%s without %s (%s): reason %q", typ, name, missing, ie.Reason)
				}
			}
		}
		if req := requiredFields[typ]; len(req) > 0 {
			// With nothing set, the first required field in spec order is reported.
			invalidInput(t, ts.CheckRequired(nil), req[0])
		} else if err := ts.CheckRequired(nil); err != nil {
			t.Errorf("%s: empty document: %v", typ, err)
		}
	}
}

func TestSchemaNormalizeFields(t *testing.T) {
	for _, typ := range TypeNames() {
		ts := mustType(t, typ)
		in := maps.Clone(validFields[typ])
		out, err := ts.NormalizeFields(in)
		if err != nil {
			t.Fatalf("%s: %v", typ, err)
		}
		if !reflect.DeepEqual(in, validFields[typ]) {
			t.Errorf("%s: NormalizeFields changed its input", typ)
		}
		if len(out) != len(in) {
			t.Errorf("%s: %d fields in, %d out", typ, len(in), len(out))
		}
		again, err := ts.NormalizeFields(out)
		if err != nil || !reflect.DeepEqual(again, out) {
			t.Errorf("%s: normalising twice gives %v, %v; want %v", typ, again, err, out)
		}
	}
	out, err := mustType(t, "personal_details").NormalizeFields(validFields["personal_details"])
	if err != nil {
		t.Fatal(err)
	}
	if out["birth_date"] != "1964-08-12" || out["gender"] != "female" || out["country_code"] != "DE" {
		t.Errorf("personal_details normalised to %v", out)
	}
	if out, err := mustType(t, "email").NormalizeFields(nil); err != nil || out == nil || len(out) != 0 {
		t.Errorf("NormalizeFields(nil) = %v, %v; want empty map", out, err)
	}
}

func TestSchemaNormalizeFieldsErrors(t *testing.T) {
	ts := mustType(t, "passport")
	// Unknown names come first and in sorted order, whatever the map order is.
	for i := 0; i < 20; i++ {
		_, err := ts.NormalizeFields(map[string]string{"zeta": "1", "alpha": "2", "expiry_date": "bad"})
		invalidInput(t, err, "alpha")
	}
	// Bad values are reported in spec order.
	_, err := ts.NormalizeFields(map[string]string{"issuing_country": "XX", "expiry_date": "2024-02-30"})
	invalidInput(t, err, "expiry_date")
	_, err = ts.NormalizeFields(map[string]string{"document_no": "\x00"})
	invalidInput(t, err, "document_no")
}

func TestSchemaExpiryDate(t *testing.T) {
	tests := []struct {
		typ    string
		fields map[string]string
		want   string
	}{
		{"passport", map[string]string{"expiry_date": "2031-10-31"}, "2031-10-31"},
		{"driver_license", map[string]string{"document_no": "1"}, ""},
		{"identity_card", nil, ""},
		// A stray expiry_date in a type without one is not an expiry.
		{"utility_bill", map[string]string{"expiry_date": "2031-10-31"}, ""},
	}
	for _, tt := range tests {
		if got := mustType(t, tt.typ).ExpiryDate(tt.fields); got != tt.want {
			t.Errorf("%s ExpiryDate(%v) = %q, want %q", tt.typ, tt.fields, got, tt.want)
		}
	}
}

func TestSchemaFieldKindString(t *testing.T) {
	for k, want := range map[FieldKind]string{FieldText: "text", FieldDate: "date", FieldCountry: "country",
		FieldGender: "gender", FieldPhone: "phone", FieldEmail: "email", FieldKind(99): "unknown"} {
		if got := k.String(); got != want {
			t.Errorf("FieldKind(%d).String() = %q, want %q", int(k), got, want)
		}
	}
}

// TestSchemaFuzzSeeds keeps the committed seed corpora: a fuzz target whose seed folder was
// lost starts from nothing and still passes, so nobody would notice.
func TestSchemaFuzzSeeds(t *testing.T) {
	for _, name := range []string{"FuzzNormalizeField", "FuzzParseRole", "FuzzSniffMediaType"} {
		seeds, err := filepath.Glob(filepath.Join("testdata", "fuzz", name, "*"))
		if err != nil || len(seeds) < 3 {
			t.Errorf("%s: %d seeds (%v), want at least 3", name, len(seeds), err)
		}
	}
}
