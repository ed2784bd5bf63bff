package schema

import (
	"sort"
	"strings"
)

// FieldKind says how a field's value is validated and normalised ([TypeSpec.NormalizeField]).
type FieldKind int

// Field kinds. The zero value is FieldText so that a FieldSpec written without a Kind is
// validated as plain text, the most permissive safe check.
const (
	FieldText    FieldKind = iota // trimmed UTF-8 text, 1-256 runes, no control characters
	FieldDate                     // calendar date, stored as YYYY-MM-DD
	FieldCountry                  // ISO 3166-1 alpha-2 country code, stored upper case
	FieldGender                   // male or female, stored lower case
	FieldPhone                    // E.164 phone number, stored as +digits
	FieldEmail                    // bare e-mail address
)

// String returns the kind's name as used in messages ("date", "country", ...).
func (k FieldKind) String() string {
	switch k {
	case FieldText:
		return "text"
	case FieldDate:
		return "date"
	case FieldCountry:
		return "country"
	case FieldGender:
		return "gender"
	case FieldPhone:
		return "phone"
	case FieldEmail:
		return "email"
	}
	return "unknown"
}

// FieldSpec describes one field of a document type. Name is the Telegram Passport JSON key,
// so partners that know Telegram Passport read paspor documents without a mapping.
type FieldSpec struct {
	Name     string
	Required bool
	Kind     FieldKind
}

// RoleSpec describes one attachment slot of a document type. A single role (front_side,
// reverse_side, selfie) holds at most one file; a List role (file, translation) holds files
// addressed as name/N, N from 1.
type RoleSpec struct {
	Name string
	List bool
}

// TypeSpec describes a document type: its fields in display order and its attachment roles.
// Values returned by [LookupType] are copies; changing one does not change the schema.
type TypeSpec struct {
	Name   string
	Fields []FieldSpec
	Roles  []RoleSpec
}

// fieldExpiryDate is the field ExpiryDate reads.
const fieldExpiryDate = "expiry_date"

// Attachment roles, as Telegram Passport names them.
var (
	roleFrontSide   = RoleSpec{Name: "front_side"}
	roleReverseSide = RoleSpec{Name: "reverse_side"}
	roleSelfie      = RoleSpec{Name: "selfie"}
	roleFile        = RoleSpec{Name: "file", List: true}
	roleTranslation = RoleSpec{Name: "translation", List: true}
)

// identityFields are the fields of every identity document (passport, ID card, licence).
var identityFields = []FieldSpec{
	{Name: "document_no", Required: true},
	{Name: fieldExpiryDate, Kind: FieldDate},
	{Name: "issue_date", Kind: FieldDate},
	{Name: "issuing_country", Kind: FieldCountry},
}

// proofFields are the fields of every proof-of-address document (bill, statement, ...).
var proofFields = []FieldSpec{
	{Name: "issue_date", Kind: FieldDate},
}

// schema is the table of document types (Telegram Passport's), in its order: TypeNames and
// every "want ..." message list types in this order, so keep it stable.
var schema = []TypeSpec{
	{Name: "personal_details", Fields: []FieldSpec{
		{Name: "first_name", Required: true},
		{Name: "last_name", Required: true},
		{Name: "middle_name"},
		{Name: "birth_date", Required: true, Kind: FieldDate},
		{Name: "gender", Required: true, Kind: FieldGender},
		{Name: "country_code", Required: true, Kind: FieldCountry},
		{Name: "residence_country_code", Required: true, Kind: FieldCountry},
		{Name: "first_name_native"},
		{Name: "last_name_native"},
		{Name: "middle_name_native"},
	}},
	{Name: "passport", Fields: identityFields, Roles: []RoleSpec{roleFrontSide, roleSelfie, roleTranslation}},
	{Name: "internal_passport", Fields: identityFields, Roles: []RoleSpec{roleFrontSide, roleSelfie, roleTranslation}},
	{Name: "identity_card", Fields: identityFields, Roles: []RoleSpec{roleFrontSide, roleReverseSide, roleSelfie, roleTranslation}},
	{Name: "driver_license", Fields: identityFields, Roles: []RoleSpec{roleFrontSide, roleReverseSide, roleSelfie, roleTranslation}},
	{Name: "address", Fields: []FieldSpec{
		{Name: "street_line1", Required: true},
		{Name: "street_line2"},
		{Name: "city", Required: true},
		{Name: "state"},
		{Name: "post_code", Required: true},
		{Name: "country_code", Required: true, Kind: FieldCountry},
	}},
	{Name: "utility_bill", Fields: proofFields, Roles: []RoleSpec{roleFile, roleTranslation}},
	{Name: "bank_statement", Fields: proofFields, Roles: []RoleSpec{roleFile, roleTranslation}},
	{Name: "rental_agreement", Fields: proofFields, Roles: []RoleSpec{roleFile, roleTranslation}},
	{Name: "passport_registration", Fields: proofFields, Roles: []RoleSpec{roleFile, roleTranslation}},
	{Name: "temporary_registration", Fields: proofFields, Roles: []RoleSpec{roleFile, roleTranslation}},
	{Name: "phone_number", Fields: []FieldSpec{{Name: "phone_number", Required: true, Kind: FieldPhone}}},
	{Name: "email", Fields: []FieldSpec{{Name: "email", Required: true, Kind: FieldEmail}}},
}

// LookupType returns the schema of the document type called name (exact, lower case). An
// unknown name gives an *InvalidInputError for field "type" that lists the valid types.
func LookupType(name string) (*TypeSpec, error) {
	for i := range schema {
		if schema[i].Name == name {
			t := schema[i]
			// Copy the slices: the table is shared by every caller and must stay as designed.
			t.Fields = append([]FieldSpec(nil), t.Fields...)
			t.Roles = append([]RoleSpec(nil), t.Roles...)
			return &t, nil
		}
	}
	return nil, &InvalidInputError{Field: "type", Reason: "unknown document type (want " + strings.Join(TypeNames(), ", ") + ")"}
}

// TypeNames returns the names of all document types in the order of the design's table.
func TypeNames() []string {
	names := make([]string, len(schema))
	for i, t := range schema {
		names[i] = t.Name
	}
	return names
}

// Field returns the spec of the field called name, if the type has one.
func (t *TypeSpec) Field(name string) (FieldSpec, bool) {
	for _, f := range t.Fields {
		if f.Name == name {
			return f, true
		}
	}
	return FieldSpec{}, false
}

// Role returns the spec of the attachment role called name, if the type has one.
func (t *TypeSpec) Role(name string) (RoleSpec, bool) {
	for _, r := range t.Roles {
		if r.Name == name {
			return r, true
		}
	}
	return RoleSpec{}, false
}

// NormalizeFields validates every value of in with [TypeSpec.NormalizeField] and returns a new
// map of the canonical values; in is not modified. Unknown names are reported before bad
// values, and both in a fixed order (sorted names, then spec order), so the same input always
// gives the same error.
func (t *TypeSpec) NormalizeFields(in map[string]string) (map[string]string, error) {
	names := make([]string, 0, len(in))
	for name := range in {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		if _, ok := t.Field(name); !ok {
			return nil, t.unknownFieldError(name)
		}
	}
	out := make(map[string]string, len(in))
	for _, f := range t.Fields {
		v, ok := in[f.Name]
		if !ok {
			continue
		}
		norm, err := t.NormalizeField(f.Name, v)
		if err != nil {
			return nil, err
		}
		out[f.Name] = norm
	}
	return out, nil
}

// CheckRequired reports the first required field (in spec order) that fields lacks or holds
// only white space: *InvalidInputError{Field: name, Reason: "required"}.
func (t *TypeSpec) CheckRequired(fields map[string]string) error {
	for _, f := range t.Fields {
		if f.Required && strings.TrimSpace(fields[f.Name]) == "" {
			return &InvalidInputError{Field: f.Name, Reason: "required"}
		}
	}
	return nil
}

// ExpiryDate returns the document's expiry date (YYYY-MM-DD, as stored) or "" when the type
// has no expiry_date field or the document does not set it. Bundles and listings use it to
// warn about expired documents without knowing which types expire.
func (t *TypeSpec) ExpiryDate(fields map[string]string) string {
	if _, ok := t.Field(fieldExpiryDate); !ok {
		return ""
	}
	return fields[fieldExpiryDate]
}

// fieldNames returns the type's field names in spec order, for "want ..." messages.
func (t *TypeSpec) fieldNames() []string {
	names := make([]string, len(t.Fields))
	for i, f := range t.Fields {
		names[i] = f.Name
	}
	return names
}

// unknownFieldError reports a field name the type does not have. The name goes into Field
// only when it looks like a field name: anything else may be a value typed in the wrong place.
func (t *TypeSpec) unknownFieldError(name string) error {
	field := "field"
	if isSchemaName(name) {
		field = name
	}
	return &InvalidInputError{Field: field, Reason: "not a field of " + t.Name + " (want " + strings.Join(t.fieldNames(), ", ") + ")"}
}

// isSchemaName reports whether s looks like a schema name: 1-64 of [a-z0-9_].
func isSchemaName(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_') {
			return false
		}
	}
	return true
}
