package schema

import (
	"errors"
	"strings"

	"github.com/paspor/paspor/wallet/mrz"
)

// fieldMRZ is the optional field of identity documents that holds the machine-readable zone.
const fieldMRZ = "mrz"

// reasonMRZ prefixes why an mrz value was refused; the mrz package's messages name the
// field and position that failed, never a value.
const reasonMRZ = "not a valid machine-readable zone: "

// normalizeMRZ checks a zone given as a field value (lines separated by blanks, or run
// together) and stores it as its lines run together, the form that needs no line breaks.
func normalizeMRZ(v string) (string, string) {
	zone, err := mrz.Parse(strings.Join(strings.Fields(v), "\n"))
	if err != nil {
		return "", reasonMRZ + strings.TrimPrefix(err.Error(), "mrz: ")
	}
	return strings.Join(zone.Lines, ""), ""
}

// mrzDocumentCodes are the first letters of the ICAO 9303 document code a type's zone may
// carry: P for passports, I, A or C for identity cards. A driving licence's zone, where it has
// one, follows ISO/IEC 18013-1 and starts with D. V (a visa) belongs to no type: a visa is a
// document of its own, not a passport. Types not listed take no zone.
var mrzDocumentCodes = map[string]string{
	"passport":          "P",
	"internal_passport": "P",
	"identity_card":     "IAC",
	"driver_license":    "D",
}

// checkDocumentCode refuses a zone whose document code is not one of t's, as an
// *InvalidInputError naming the document_code field.
func (t *TypeSpec) checkDocumentCode(code string) error {
	allowed := mrzDocumentCodes[t.Name]
	switch {
	case code == "":
		return &InvalidInputError{Field: "document_code", Reason: "the machine-readable zone has no document code"}
	case code[0] == 'V':
		return &InvalidInputError{Field: "document_code", Reason: "the machine-readable zone is a visa's (V); " + t.Name + codesWanted(allowed)}
	case allowed == "" || !strings.ContainsRune(allowed, rune(code[0])):
		return &InvalidInputError{Field: "document_code", Reason: "the machine-readable zone's document code " + code[:1] + " is not for " + t.Name + "; " + t.Name + codesWanted(allowed)}
	}
	return nil
}

// checkZoneKind refuses a normalized mrz field value whose zone is of another kind of
// document than t (see [TypeSpec.MergeMRZ]).
func (t *TypeSpec) checkZoneKind(normalized string) error {
	zone, err := mrz.Parse(normalized)
	if err != nil {
		return &InvalidInputError{Field: fieldMRZ, Reason: reasonMRZ + strings.TrimPrefix(err.Error(), "mrz: ")}
	}
	return t.checkDocumentCode(zone.DocumentCode)
}

// codesWanted says which document codes a type takes, for an error message.
func codesWanted(allowed string) string {
	if allowed == "" {
		return " takes no zone"
	}
	return " takes " + strings.Join(strings.Split(allowed, ""), ", ")
}

// MergeMRZ returns given with the fields the zone holds for this type filled in:
// document_no, expiry_date, issuing_country (as ISO 3166-1 alpha-2, see [mrz.Alpha2]) and
// mrz itself. A field in given that the zone disagrees with is an *InvalidInputError naming
// it; so is a state code with no alpha-2 code when given has no issuing_country, and a zone
// of another kind of document (its document code names the document_code field: P for
// passport and internal_passport, I, A or C for identity_card, D for driver_license, and V,
// a visa, for none). given is not changed.
func (t *TypeSpec) MergeMRZ(given map[string]string, zone *mrz.MRZ) (map[string]string, error) {
	if _, ok := t.Field(fieldMRZ); !ok {
		return nil, &InvalidInputError{Field: fieldMRZ, Reason: "not a field of " + t.Name}
	}
	if err := t.checkDocumentCode(zone.DocumentCode); err != nil {
		return nil, err
	}
	out := make(map[string]string, len(given)+4)
	for k, v := range given {
		out[k] = v
	}
	from := map[string]string{
		"document_no":   zone.DocumentNumber,
		fieldExpiryDate: zone.ExpiryDate,
		fieldMRZ:        strings.Join(zone.Lines, ""),
	}
	if cc, err := mrz.Alpha2(zone.IssuingState); err == nil {
		from["issuing_country"] = cc
	} else if _, ok := given["issuing_country"]; !ok {
		var na *mrz.NoAlpha2Error
		if errors.As(err, &na) {
			return nil, &InvalidInputError{Field: "issuing_country",
				Reason: "the machine-readable zone's state code " + na.Code + " has no ISO 3166-1 alpha-2 code"}
		}
		return nil, err
	}
	for name, want := range from {
		if want == "" {
			continue
		}
		v, ok := given[name]
		if !ok {
			out[name] = want
			continue
		}
		got, err := t.NormalizeField(name, v)
		if err != nil {
			return nil, err
		}
		if got != want {
			return nil, &InvalidInputError{Field: name, Reason: "disagrees with the machine-readable zone"}
		}
	}
	return out, nil
}

// CheckMRZ reports the first field of a stored document that no longer agrees with the
// document's own mrz field, as an *InvalidInputError naming it; nil when they agree or the
// document has no mrz.
func (t *TypeSpec) CheckMRZ(fields map[string]string) error {
	stored, ok := fields[fieldMRZ]
	if !ok {
		return nil
	}
	zone, err := mrz.Parse(stored)
	if err != nil {
		return &InvalidInputError{Field: fieldMRZ, Reason: reasonMRZ + strings.TrimPrefix(err.Error(), "mrz: ")}
	}
	_, err = t.MergeMRZ(fields, zone)
	return err
}

// PersonalDetailsFromMRZ returns the personal_details fields the zone holds: last_name,
// first_name (the given names), birth_date, gender and country_code (the nationality, when
// it has an alpha-2 code); fields the zone leaves empty are left out. Names are as the zone
// writes them: upper case, transliterated to A-Z, maybe truncated. residence_country_code is
// not in a zone, so the result is not a complete document.
func PersonalDetailsFromMRZ(zone *mrz.MRZ) map[string]string {
	out := map[string]string{}
	set := func(k, v string) {
		if v != "" {
			out[k] = v
		}
	}
	set("last_name", zone.Surname)
	set("first_name", zone.GivenNames)
	set("birth_date", zone.BirthDate)
	set("gender", zone.Gender())
	if cc, err := mrz.Alpha2(zone.Nationality); err == nil {
		set("country_code", cc)
	}
	return out
}

// DisagreeingPersonalDetails names the fields of a stored personal_details document that the
// zone contradicts: birth_date, gender and country_code, compared exactly. Names are not
// compared, since a zone transliterates and truncates them.
func DisagreeingPersonalDetails(fields map[string]string, zone *mrz.MRZ) []string {
	from := PersonalDetailsFromMRZ(zone)
	var out []string
	for _, k := range []string{"birth_date", "gender", "country_code"} {
		want, ok := from[k]
		if got, has := fields[k]; ok && has && got != want {
			out = append(out, k)
		}
	}
	return out
}
