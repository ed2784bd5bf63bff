package schema

import (
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/text/language"
)

// fieldCase is one NormalizeField call: want "" means the value must be rejected.
type fieldCase struct {
	typ, field, in, want string
}

func runFieldCases(t *testing.T, cases []fieldCase) {
	t.Helper()
	for _, tt := range cases {
		got, err := mustType(t, tt.typ).NormalizeField(tt.field, tt.in)
		if tt.want == "" {
			if err == nil {
				t.Errorf("%s.%s: %q accepted as %q, want rejection", tt.typ, tt.field, tt.in, got)
				continue
			}
			invalidInput(t, err, tt.field)
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("%s.%s: %q -> %q, %v; want %q", tt.typ, tt.field, tt.in, got, err, tt.want)
		}
	}
}

func TestFieldDate(t *testing.T) {
	runFieldCases(t, []fieldCase{
		{"personal_details", "birth_date", "1964-08-12", "1964-08-12"},
		{"personal_details", "birth_date", "12.08.1964", "1964-08-12"},
		{"personal_details", "birth_date", " 01.02.2003 ", "2003-02-01"},
		{"passport", "expiry_date", "2024-02-29", "2024-02-29"}, // leap year
		{"passport", "expiry_date", "29.02.2000", "2000-02-29"}, // divisible by 400: leap
		{"passport", "expiry_date", "2023-02-29", ""},           // not a leap year
		{"passport", "expiry_date", "29.02.1900", ""},           // divisible by 100: not leap
		{"passport", "issue_date", "2024-02-30", ""},
		{"passport", "issue_date", "31.04.2020", ""}, // April has 30 days
		{"passport", "issue_date", "30.04.2020", "2020-04-30"},
		{"passport", "issue_date", "2024-13-01", ""},
		{"passport", "issue_date", "2024-00-10", ""},
		{"passport", "issue_date", "2024-01-00", ""},
		{"passport", "issue_date", "2024-01-32", ""},
		{"passport", "issue_date", "0000-01-01", ""},
		{"passport", "issue_date", "0001-01-01", "0001-01-01"},
		{"passport", "issue_date", "9999-12-31", "9999-12-31"},
		{"passport", "issue_date", "2024-1-01", ""},
		{"passport", "issue_date", "1.1.2024", ""},
		{"passport", "issue_date", "2024/01/01", ""},
		{"passport", "issue_date", "01/01/2024", ""},
		{"passport", "issue_date", "2024.01.01", ""},
		{"passport", "issue_date", "01-01-2024", ""},
		{"passport", "issue_date", "2024-01-01T00:00:00Z", ""},
		{"passport", "issue_date", "+024-01-01", ""},
		{"passport", "issue_date", "2024-0a-01", ""},
		{"passport", "issue_date", "２０２４-01-01", ""}, // full-width digits
		{"passport", "issue_date", "", ""},
		{"utility_bill", "issue_date", "15.01.2025", "2025-01-15"},
	})
}

func TestFieldCountry(t *testing.T) {
	runFieldCases(t, []fieldCase{
		{"personal_details", "country_code", "DE", "DE"},
		{"personal_details", "country_code", "de", "DE"},
		{"personal_details", "country_code", "dE", "DE"},
		{"personal_details", "residence_country_code", " fr ", "FR"},
		{"address", "country_code", "GB", "GB"},
		{"passport", "issuing_country", "US", "US"},
		{"passport", "issuing_country", "AQ", "AQ"}, // Antarctica: assigned, and a "country" in x/text
		{"passport", "issuing_country", "XK", "XK"}, // Kosovo: user-assigned, accepted on purpose
		{"passport", "issuing_country", "XX", ""},   // user-assigned, unused
		{"passport", "issuing_country", "ZZ", ""},   // unknown region
		{"passport", "issuing_country", "AA", ""},   // user-assigned
		{"passport", "issuing_country", "QO", ""},   // Outlying Oceania: a region, not a country
		{"passport", "issuing_country", "EU", ""},   // exceptionally reserved, not a country
		{"passport", "issuing_country", "EZ", ""},   // eurozone
		{"passport", "issuing_country", "UN", ""},
		{"passport", "issuing_country", "UK", ""}, // exceptionally reserved: the code is GB
		{"passport", "issuing_country", "EA", ""}, // Ceuta and Melilla: exceptionally reserved
		{"passport", "issuing_country", "IC", ""}, // Canary Islands: exceptionally reserved
		{"passport", "issuing_country", "AC", ""}, // Ascension: exceptionally reserved
		{"passport", "issuing_country", "TA", ""},
		{"passport", "issuing_country", "BU", ""}, // withdrawn, now MM
		{"passport", "issuing_country", "DD", ""}, // withdrawn, now DE
		{"passport", "issuing_country", "FX", ""}, // withdrawn
		{"passport", "issuing_country", "SU", ""}, // withdrawn, several successors
		{"passport", "issuing_country", "YU", ""},
		{"passport", "issuing_country", "CS", ""},
		{"passport", "issuing_country", "AN", ""},
		{"passport", "issuing_country", "NT", ""},
		{"passport", "issuing_country", "276", ""}, // UN M.49 for DE
		{"passport", "issuing_country", "001", ""}, // the world
		{"passport", "issuing_country", "DEU", ""}, // alpha-3
		{"passport", "issuing_country", "D", ""},
		{"passport", "issuing_country", "D E", ""},
		{"passport", "issuing_country", "Dé", ""},
		{"passport", "issuing_country", "de-DE", ""},
		{"passport", "issuing_country", "", ""},
	})
}

// TestFieldCountryAllCodes pins the whole accepted set: ISO 3166-1 assigns 249 alpha-2 codes,
// and paspor accepts those plus XK. A new x/text release that changes the set fails here.
func TestFieldCountryAllCodes(t *testing.T) {
	var accepted []string
	for a := 'A'; a <= 'Z'; a++ {
		for b := 'A'; b <= 'Z'; b++ {
			code := string([]rune{a, b})
			if out, reason := normalizeCountry(code); reason == "" {
				if out != code {
					t.Errorf("%s normalised to %s", code, out)
				}
				accepted = append(accepted, code)
			}
		}
	}
	if len(accepted) != 250 {
		t.Errorf("%d codes accepted, want 249 ISO 3166-1 codes + XK: %v", len(accepted), accepted)
	}
	for _, code := range accepted {
		if r := language.MustParseRegion(code); !r.IsCountry() {
			t.Errorf("%s accepted but is not a country", code)
		}
	}
}

func TestFieldGender(t *testing.T) {
	runFieldCases(t, []fieldCase{
		{"personal_details", "gender", "male", "male"},
		{"personal_details", "gender", "female", "female"},
		{"personal_details", "gender", "Male", "male"},
		{"personal_details", "gender", "FEMALE", "female"},
		{"personal_details", "gender", " female\n", "female"},
		{"personal_details", "gender", "m", ""},
		{"personal_details", "gender", "f", ""},
		{"personal_details", "gender", "other", ""},
		{"personal_details", "gender", "males", ""},
		{"personal_details", "gender", "fe male", ""},
		{"personal_details", "gender", "", ""},
	})
}

func TestFieldPhone(t *testing.T) {
	runFieldCases(t, []fieldCase{
		{"phone_number", "phone_number", "+4915112345678", "+4915112345678"},
		{"phone_number", "phone_number", "+49 151 1234-5678", "+4915112345678"},
		{"phone_number", "phone_number", "+49 (151) 123-456-78", "+4915112345678"},
		{"phone_number", "phone_number", "+1 (555) 010-0199", "+15550100199"},
		{"phone_number", "phone_number", "+12345678", "+12345678"},               // 8 digits: shortest
		{"phone_number", "phone_number", "+123456789012345", "+123456789012345"}, // 15 digits: longest
		{"phone_number", "phone_number", "+1234567", ""},                         // 7 digits
		{"phone_number", "phone_number", "+1234567890123456", ""},                // 16 digits
		{"phone_number", "phone_number", "015112345678", ""},                     // national form
		{"phone_number", "phone_number", "004915112345678", ""},                  // international prefix instead of +
		{"phone_number", "phone_number", "+04915112345678", ""},                  // no country code starts with 0
		{"phone_number", "phone_number", "+49.151.12345678", ""},                 // dots are not accepted separators
		{"phone_number", "phone_number", "+49 151 1234567x", ""},
		{"phone_number", "phone_number", "+49151+12345678", ""},
		{"phone_number", "phone_number", "++4915112345678", ""},
		{"phone_number", "phone_number", "+٤٩١٥١١٢٣٤٥٦٧٨", ""}, // Arabic-Indic digits
		{"phone_number", "phone_number", "+", ""},
		{"phone_number", "phone_number", "", ""},
	})
}

func TestFieldEmail(t *testing.T) {
	// 64-byte local part, 189-byte domain: 254 bytes, the longest address allowed.
	address := func(n int) string {
		return strings.Repeat("a", 64) + "@" + strings.Repeat("b", 63) + "." + strings.Repeat("c", 63) + "." + strings.Repeat("d", n) + ".de"
	}
	longest, tooLong := address(58), address(59)
	runFieldCases(t, []fieldCase{
		{"email", "email", "erika@example.com", "erika@example.com"},
		{"email", "email", "Erika.Mustermann+kyc@Example.COM", "Erika.Mustermann+kyc@Example.COM"},
		{"email", "email", " erika@example.com\n", "erika@example.com"},
		{"email", "email", longest, longest},
		{"email", "email", tooLong, ""},
		{"email", "email", "Erika <erika@example.com>", ""},
		{"email", "email", "<erika@example.com>", ""},
		{"email", "email", `"Erika" <erika@example.com>`, ""},
		{"email", "email", "erika@example.com (Erika)", ""},
		{"email", "email", "erika mustermann@example.com", ""},
		{"email", "email", `"erika mustermann"@example.com`, ""},
		{"email", "email", "erika@exam ple.com", ""},
		{"email", "email", "erika@", ""},
		{"email", "email", "@example.com", ""},
		{"email", "email", "erika", ""},
		{"email", "email", "erika@example.com, max@example.com", ""},
		{"email", "email", "erika@example.com\r\nBcc: x@example.com", ""},
		{"email", "email", "", ""},
	})
}

func TestFieldText(t *testing.T) {
	runFieldCases(t, []fieldCase{
		{"personal_details", "first_name", "Erika", "Erika"},
		{"personal_details", "first_name", "  Erika\t", "Erika"},
		{"personal_details", "first_name_native", "Эрика", "Эрика"},
		{"personal_details", "last_name_native", "\u200fمحمد\u200f", "\u200fمحمد\u200f"}, // RLM marks are fine
		{"address", "street_line1", "Heidestraße 17", "Heidestraße 17"},
		{"personal_details", "first_name", strings.Repeat("é", 256), strings.Repeat("é", 256)},
		{"personal_details", "first_name", strings.Repeat("é", 257), ""},
		{"personal_details", "first_name", "", ""},
		{"personal_details", "first_name", " \t\n ", ""},
		{"personal_details", "first_name", "Eri\x00ka", ""},
		{"personal_details", "first_name", "Eri\nka", ""},
		{"personal_details", "first_name", "Eri\rka", ""},
		{"personal_details", "first_name", "Eri\tka", ""},
		{"personal_details", "first_name", "Eri\x1b[31mka", ""}, // terminal escape
		{"personal_details", "first_name", "Eri\x7fka", ""},
		{"personal_details", "first_name", "Eri\u0085ka", ""}, // NEL (C1)
		{"personal_details", "first_name", "Eri\u2028ka", ""}, // line separator
		{"personal_details", "first_name", "Eri\u202eak", ""}, // right-to-left override
		{"personal_details", "first_name", "Eri\u2066ka", ""}, // left-to-right isolate
		{"personal_details", "first_name", "Eri\xffka", ""},   // invalid UTF-8
		{"passport", "document_no", "C01X00T47", "C01X00T47"},
	})
}

func TestFieldUnknown(t *testing.T) {
	tests := []struct {
		typ, name, wantField string
	}{
		{"passport", "reverse_side", "reverse_side"},
		{"passport", "first_name", "first_name"},
		{"email", "e_mail", "e_mail"},
		{"address", "Street_Line1", "field"}, // not a field name: may be a misplaced value
		{"address", "Heidestraße 17", "field"},
		{"address", "", "field"},
	}
	for _, tt := range tests {
		ts := mustType(t, tt.typ)
		_, err := ts.NormalizeField(tt.name, "x")
		ie := invalidInput(t, err, tt.wantField)
		for _, f := range ts.Fields {
			if !strings.Contains(ie.Reason, f.Name) {
				t.Errorf("%s: reason %q does not list %s", tt.typ, ie.Reason, f.Name)
			}
		}
		if tt.wantField == "field" && tt.name != "" && strings.Contains(err.Error(), tt.name) {
			t.Errorf("error %q repeats the unknown name", err)
		}
	}
}

// TestFieldReasonsHideValue checks S1 for messages: a rejected value, which may be document
// content, never appears in the error. The values are distinctive so that a substring match
// means the value was copied, not that a word happens to occur in the reason.
func TestFieldReasonsHideValue(t *testing.T) {
	tests := []struct{ typ, field, value string }{
		{"personal_details", "birth_date", "1964-08-32"},
		{"personal_details", "birth_date", "32.08.1964"},
		{"personal_details", "birth_date", "secretdate"},
		{"personal_details", "gender", "Secretgender"},
		{"personal_details", "country_code", "QZ"},
		{"personal_details", "country_code", "Secretland"},
		{"personal_details", "first_name", "Secret\nName"},
		{"personal_details", "first_name", strings.Repeat("Secret", 50)},
		{"passport", "issuing_country", "DEU"},
		{"passport", "issuing_country", "276"},
		{"passport", "expiry_date", "2024-02-30"},
		{"phone_number", "phone_number", "015112345678"},
		{"phone_number", "phone_number", "+0151 SECRET"},
		{"email", "email", "Secret Agent <secret@example.com>"},
		{"email", "email", "secret agent@example.com"},
		{"email", "email", "secret@"},
	}
	for _, tt := range tests {
		_, err := mustType(t, tt.typ).NormalizeField(tt.field, tt.value)
		if err == nil {
			t.Errorf("%s.%s: %q accepted", tt.typ, tt.field, tt.value)
			continue
		}
		msg := strings.ToLower(err.Error())
		for _, part := range []string{tt.value, strings.TrimSpace(tt.value), "secret"} {
			if strings.Contains(msg, strings.ToLower(part)) {
				t.Errorf("%s.%s: error %q repeats the value", tt.typ, tt.field, err)
			}
		}
		if ie := invalidInput(t, err, tt.field); !strings.Contains(ie.Reason, "want") && !strings.Contains(ie.Reason, "characters") {
			t.Errorf("%s.%s: reason %q does not say what is expected", tt.typ, tt.field, ie.Reason)
		}
	}
}

// FuzzNormalizeField checks that any type, field and value give a canonical value or an
// *InvalidInputError, and that a canonical value is a fixed point: stored values re-validate
// unchanged, so editing a document never changes fields the holder did not touch.
func FuzzNormalizeField(f *testing.F) {
	f.Fuzz(func(t *testing.T, typ, field, value string) {
		// Every kind sees every value: the fuzzer rarely guesses a type and field name, and
		// the value checks are where the parsing is.
		for kind := FieldText; kind <= FieldEmail; kind++ {
			out, reason := normalizeValue(kind, value)
			if reason != "" {
				continue
			}
			if again, reason := normalizeValue(kind, out); again != out || reason != "" {
				t.Fatalf("%v: %q -> %q -> %q (%s)", kind, value, out, again, reason)
			}
		}
		ts, err := LookupType(typ)
		if err != nil {
			return
		}
		out, err := ts.NormalizeField(field, value)
		if err != nil {
			if _, ok := err.(*InvalidInputError); !ok {
				t.Fatalf("error %v is %T", err, err)
			}
			return
		}
		again, err := ts.NormalizeField(field, out)
		if err != nil || again != out {
			t.Fatalf("%s.%s: %q -> %q -> %q, %v", typ, field, value, out, again, err)
		}
		if out == "" || !utf8.ValidString(out) || hasForbiddenRune(out) {
			t.Fatalf("%s.%s: %q normalised to unsafe %q", typ, field, value, out)
		}
	})
}
