package request

import (
	"slices"
	"strings"

	"github.com/paspor/paspor/wallet/schema"
)

// Caps of a scope.
const (
	// MaxElements caps the elements of a scope.
	MaxElements = 32
	// MaxListItems caps one_of, fields and scans of an element.
	MaxListItems = 32
	// MaxAgeDays caps max_age.
	MaxAgeDays = 3650
)

// Scan names an element's "scans" may list. Selfie and translations have flags of their own.
const (
	ScanFrontSide   = "front_side"
	ScanReverseSide = "reverse_side"
	ScanFile        = "file"
)

// Role names of the flags.
const (
	roleSelfie      = "selfie"
	roleTranslation = "translation"
	fieldIssueDate  = "issue_date"
	nativeSuffix    = "_native"
)

// Scope is what a request asks for: a list of elements, each answered by one document.
type Scope struct {
	// Elements are answered in order; no document type appears in two elements.
	Elements []Element `json:"elements"`
}

// Element asks for one document: of Type, or of one of the types in OneOf (exactly one of
// the two is set; a one_of names two or more types).
type Element struct {
	// Type is a wallet/schema document type name.
	Type string `json:"type,omitempty"`
	// OneOf lists two or more types of which the holder sends one.
	OneOf []string `json:"one_of,omitempty"`
	// Fields lists the wanted fields; nil means all fields of the type (the *_native fields
	// only with NativeNames).
	Fields []string `json:"fields,omitempty"`
	// Scans lists the wanted scans among front_side, reverse_side and file; nil means every
	// one of those the type has, and an empty list means none.
	Scans *[]string `json:"scans,omitempty"`
	// Selfie asks for the selfie scan.
	Selfie bool `json:"selfie,omitempty"`
	// Translation asks for the translation scans.
	Translation bool `json:"translation,omitempty"`
	// NativeNames asks for the *_native fields of personal_details.
	NativeNames bool `json:"native_names,omitempty"`
	// MaxAge, when not 0, asks for a proof of address issued at most that many days ago.
	MaxAge int `json:"max_age,omitempty"`
	// Optional marks the element as not mandatory: the holder may leave it out.
	Optional bool `json:"optional,omitempty"`
}

// Types returns the element's types: Type alone, or OneOf.
func (e *Element) Types() []string {
	if e.Type != "" {
		return []string{e.Type}
	}
	return e.OneOf
}

// ParseScope reads a native scope (the value of a request's "scope") strictly.
func ParseScope(data []byte) (Scope, error) {
	var s Scope
	if err := decodeStrict("scope", data, &s); err != nil {
		return Scope{}, err
	}
	if err := s.validate(); err != nil {
		return Scope{}, err
	}
	return s, nil
}

func (s *Scope) validate() error {
	if len(s.Elements) == 0 {
		return reject("scope", ReasonScope, "no elements")
	}
	if len(s.Elements) > MaxElements {
		return reject("scope", ReasonTooLarge, "more than %d elements", MaxElements)
	}
	owner := map[string]int{}
	for i := range s.Elements {
		e := &s.Elements[i]
		if err := e.validate(); err != nil {
			err.Detail = "element " + itoa(i+1) + ": " + err.Detail
			return err
		}
		for _, t := range e.Types() {
			if j, ok := owner[t]; ok {
				return reject("scope", ReasonScope, "element %d: type %s is already in element %d", i+1, t, j+1)
			}
			owner[t] = i
		}
	}
	return nil
}

func (e *Element) validate() *RejectedError {
	switch {
	case e.Type != "" && e.OneOf != nil:
		return reject("scope", ReasonScope, "type and one_of are exclusive")
	case e.Type == "" && len(e.OneOf) < 2:
		return reject("scope", ReasonScope, "want type, or one_of with two or more types")
	}
	if len(e.OneOf) > MaxListItems || len(e.Fields) > MaxListItems || e.Scans != nil && len(*e.Scans) > MaxListItems {
		return reject("scope", ReasonTooLarge, "a list has more than %d items", MaxListItems)
	}
	specs := make([]*schema.TypeSpec, 0, len(e.Types()))
	for _, name := range e.Types() {
		t, err := lookupType(name)
		if err != nil {
			return err
		}
		specs = append(specs, t)
	}
	if dup := firstDuplicate(e.Types()); dup != "" {
		return reject("scope", ReasonScope, "type %s is listed twice", dup)
	}
	if e.Fields != nil {
		if len(e.Fields) == 0 {
			return reject("scope", ReasonScope, "fields is empty (leave it out for all fields)")
		}
		if dup := firstDuplicate(e.Fields); dup != "" {
			return reject("scope", ReasonScope, "field %s is listed twice", dup)
		}
		for _, f := range e.Fields {
			if !slices.ContainsFunc(specs, func(t *schema.TypeSpec) bool { _, ok := t.Field(f); return ok }) {
				return reject("scope", ReasonScope, "no requested type has the field %s", safeName(f))
			}
		}
	}
	if e.Scans != nil {
		if dup := firstDuplicate(*e.Scans); dup != "" {
			return reject("scope", ReasonScope, "scan %s is listed twice", dup)
		}
		for _, sc := range *e.Scans {
			if sc != ScanFrontSide && sc != ScanReverseSide && sc != ScanFile {
				return reject("scope", ReasonScope, "scans lists front_side, reverse_side or file only")
			}
			if !slices.ContainsFunc(specs, func(t *schema.TypeSpec) bool { _, ok := t.Role(sc); return ok }) {
				return reject("scope", ReasonScope, "no requested type has the scan %s", sc)
			}
		}
	}
	for _, t := range specs {
		if _, ok := t.Role(roleSelfie); e.Selfie && !ok {
			return reject("scope", ReasonScope, "selfie: %s has no selfie", t.Name)
		}
		if _, ok := t.Role(roleTranslation); e.Translation && !ok {
			return reject("scope", ReasonScope, "translation: %s has no translation", t.Name)
		}
		if e.NativeNames && t.Name != "personal_details" {
			return reject("scope", ReasonScope, "native_names is for personal_details only")
		}
		if _, ok := t.Role(ScanFile); e.MaxAge != 0 && !ok {
			return reject("scope", ReasonScope, "max_age is for proofs of address only, not %s", t.Name)
		}
	}
	if e.MaxAge < 0 || e.MaxAge > MaxAgeDays {
		return reject("scope", ReasonScope, "max_age must be from 1 to %d days", MaxAgeDays)
	}
	return nil
}

func lookupType(name string) (*schema.TypeSpec, *RejectedError) {
	t, err := schema.LookupType(name)
	if err != nil {
		return nil, reject("scope", ReasonScope, "unknown document type %s", safeName(name))
	}
	return t, nil
}

// safeName returns s when it looks like a schema name, else a placeholder: details never
// quote arbitrary input.
func safeName(s string) string {
	if s == "" || len(s) > 64 || strings.Trim(s, "abcdefghijklmnopqrstuvwxyz0123456789_") != "" {
		return "(not a schema name)"
	}
	return s
}

func firstDuplicate(list []string) string {
	seen := map[string]bool{}
	for _, s := range list {
		if seen[s] {
			return safeName(s)
		}
		seen[s] = true
	}
	return ""
}

func itoa(n int) string {
	if n < 10 {
		return string(rune('0' + n))
	}
	return itoa(n/10) + string(rune('0'+n%10))
}
