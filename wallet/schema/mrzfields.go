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

// MergeMRZ returns given with the fields the zone holds for this type filled in:
// document_no, expiry_date, issuing_country (as ISO 3166-1 alpha-2, see [mrz.Alpha2]) and
// mrz itself. A field in given that the zone disagrees with is an *InvalidInputError naming
// it; so is a state code with no alpha-2 code when given has no issuing_country. given is
// not changed.
func (t *TypeSpec) MergeMRZ(given map[string]string, zone *mrz.MRZ) (map[string]string, error) {
	if _, ok := t.Field(fieldMRZ); !ok {
		return nil, &InvalidInputError{Field: fieldMRZ, Reason: "not a field of " + t.Name}
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
