package export

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"
)

// The manifest's JSON is checked by a walk over its tokens before encoding/json decodes it,
// because encoding/json matches keys case-insensitively (with Unicode folding), keeps the last
// of duplicate keys, turns invalid UTF-8 into U+FFFD and reads null as "absent": four ways for
// one signed manifest to mean one thing to paspor and another to jq or Python. After the walk
// every key is byte-equal to a field name, once, so encoding/json can only read what every
// case-sensitive parser reads. (encoding/json/v2 would do this, but needs GOEXPERIMENT=jsonv2
// in Go 1.26; the walk needs no dependency and also pins the value grammar.)

// valueKind is what a manifest value must be.
type valueKind int

const (
	kindString    valueKind = iota // a non-empty JSON string
	kindTime                       // a string in the form 2006-01-02T15:04:05Z
	kindSize                       // a non-negative integer without sign, fraction or exponent
	kindObject                     // an object with the keys of its shape
	kindArray                      // an array whose elements have the element's spec
	kindStringMap                  // an object of string values, any (distinct) keys
)

// spec says what one value must be: its kind and, for objects and arrays, their content.
type spec struct {
	kind   valueKind
	fields map[string]member // kindObject
	elem   *spec             // kindArray
	empty  bool              // kindArray, kindString: an empty array or string is allowed
}

// member is a key of an object shape.
type member struct {
	spec
	required bool
}

var (
	timeGrammar = regexp.MustCompile(`^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$`)
	sizeGrammar = regexp.MustCompile(`^(0|[1-9][0-9]{0,15})$`)
)

// manifestSpec is the grammar of manifest.json; docs/bundle-format.md has it as a table.
var manifestSpec = spec{kind: kindObject, fields: map[string]member{
	"format":     {spec{kind: kindString}, true},
	"bundle_id":  {spec{kind: kindString}, true},
	"created_at": {spec{kind: kindTime}, true},
	"expires_at": {spec{kind: kindTime}, true},
	"holder":     {spec{kind: kindString}, true},
	"audience":   {spec{kind: kindArray, elem: &spec{kind: kindString}}, true},
	"nonce":      {spec{kind: kindString}, false},
	"purpose":    {spec{kind: kindString}, false},
	"request_id": {spec{kind: kindString}, false},
	"documents": {spec{kind: kindArray, elem: &spec{kind: kindObject, fields: map[string]member{
		"id":     {spec{kind: kindString}, true},
		"type":   {spec{kind: kindString}, true},
		"label":  {spec{kind: kindString}, false},
		"fields": {spec{kind: kindStringMap}, true},
		"files": {spec{kind: kindArray, elem: &spec{kind: kindObject, fields: map[string]member{
			"role":       {spec{kind: kindString}, true},
			"path":       {spec{kind: kindString}, true},
			"media_type": {spec{kind: kindString}, true},
			"size":       {spec{kind: kindSize}, true},
			"sha256":     {spec{kind: kindString}, true},
		}}}, false},
	}}}, true},
}}

// checkStrictJSON walks data against s: valid UTF-8, one top-level value, every key known and
// byte-equal to its name, no key twice, no null, every value of its kind, no trailing data.
func checkStrictJSON(data []byte, s spec) error {
	if !utf8.Valid(data) {
		return errors.New("not valid UTF-8")
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	w := walker{dec: dec}
	if err := w.value(s, "manifest"); err != nil {
		return err
	}
	if _, err := dec.Token(); err != io.EOF {
		return errors.New("trailing data after the manifest")
	}
	return nil
}

type walker struct{ dec *json.Decoder }

func (w walker) token() (json.Token, error) {
	t, err := w.dec.Token()
	if err != nil {
		return nil, fmt.Errorf("malformed JSON: %w", err)
	}
	if s, ok := t.(string); ok && strings.ContainsRune(s, utf8.RuneError) {
		// Only a lone surrogate escape decodes to U+FFFD in valid UTF-8 input; parsers disagree on it.
		return nil, errors.New("a string holds U+FFFD or a lone surrogate")
	}
	return t, nil
}

func (w walker) value(s spec, where string) error {
	t, err := w.token()
	if err != nil {
		return err
	}
	switch s.kind {
	case kindString, kindTime:
		v, ok := t.(string)
		if !ok || v == "" && !s.empty {
			return fmt.Errorf("%s must be a non-empty string", where)
		}
		if s.kind == kindTime && !timeGrammar.MatchString(v) {
			return fmt.Errorf("%s must be a time like 2006-01-02T15:04:05Z", where)
		}
	case kindSize:
		n, ok := t.(json.Number)
		if !ok || !sizeGrammar.MatchString(string(n)) {
			return fmt.Errorf("%s must be a whole number of bytes", where)
		}
	case kindArray:
		if t != json.Delim('[') {
			return fmt.Errorf("%s must be an array", where)
		}
		n := 0
		for w.dec.More() {
			n++
			if err := w.value(*s.elem, fmt.Sprintf("%s[%d]", where, n)); err != nil {
				return err
			}
		}
		if _, err := w.token(); err != nil {
			return err
		}
		if n == 0 && !s.empty {
			return fmt.Errorf("%s must not be empty", where)
		}
	case kindObject, kindStringMap:
		if t != json.Delim('{') {
			return fmt.Errorf("%s must be an object", where)
		}
		seen := map[string]bool{}
		for w.dec.More() {
			kt, err := w.token()
			if err != nil {
				return err
			}
			key := kt.(string) // inside an object, encoding/json only gives string keys
			if seen[key] {
				return fmt.Errorf("%s has a key twice", where)
			}
			seen[key] = true
			vs := spec{kind: kindString, empty: true}
			if s.kind == kindObject {
				m, ok := s.fields[key]
				if !ok {
					return fmt.Errorf("%s has an unknown key", where)
				}
				vs = m.spec
			}
			if err := w.value(vs, where+"."+safeKey(key)); err != nil {
				return err
			}
		}
		if _, err := w.token(); err != nil {
			return err
		}
		for _, name := range slices.Sorted(maps.Keys(s.fields)) {
			if s.fields[name].required && !seen[name] {
				return fmt.Errorf("%s lacks %s", where, name)
			}
		}
	}
	return nil
}

// safeKey names a key in an error only when it is a plain identifier.
func safeKey(k string) string {
	if keyGrammar.MatchString(k) {
		return k
	}
	return "<key>"
}

var keyGrammar = regexp.MustCompile(`^[a-z0-9_]{1,64}$`)
