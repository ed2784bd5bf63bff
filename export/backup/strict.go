package backup

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"regexp"
	"strings"
	"unicode/utf8"
)

// maxDepth caps JSON nesting; feedback.json, the deepest, nests five levels (an item's
// file_hashes).
const maxDepth = 8

// keyPattern is what every JSON key must look like. Known keys (and field names) are
// lower-case ASCII, so a key outside this pattern can only be a second spelling of one
// (encoding/json matches keys case-insensitively, with Unicode folding).
var keyPattern = regexp.MustCompile(`^[a-z][a-z0-9_]{0,63}$`)

// checkStructure walks data as JSON tokens and refuses what encoding/json would let through
// silently: keys that are not lower-case ASCII, duplicate keys, null, nesting deeper than
// maxDepth, invalid UTF-8, U+FFFD (a lone surrogate escape decodes to it) and trailing data.
// Unknown keys are refused by the decoder after.
func checkStructure(data []byte) error {
	if !utf8.Valid(data) {
		return errors.New("not valid UTF-8")
	}
	type frame struct {
		keys      map[string]bool // nil for an array
		expectKey bool
	}
	var stack []*frame
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	values := 0
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			if values != 1 {
				return errors.New("want exactly one JSON value")
			}
			return nil
		}
		if err != nil {
			return errors.New("malformed JSON")
		}
		if s, ok := tok.(string); ok && strings.ContainsRune(s, utf8.RuneError) {
			return errors.New("a string holds U+FFFD or a lone surrogate")
		}
		if values > 0 {
			return errors.New("trailing data after the JSON value")
		}
		var top *frame
		if len(stack) > 0 {
			top = stack[len(stack)-1]
		}
		if top != nil && top.keys != nil && top.expectKey {
			key, ok := tok.(string)
			if !ok {
				// Only '}' can come where a key is expected.
				stack = stack[:len(stack)-1]
				if len(stack) == 0 {
					values++
				} else if t := stack[len(stack)-1]; t.keys != nil {
					t.expectKey = true
				}
				continue
			}
			if !keyPattern.MatchString(key) {
				return errors.New("a key is not lower-case ASCII")
			}
			if top.keys[key] {
				return errors.New("a key appears twice")
			}
			top.keys[key], top.expectKey = true, false
			continue
		}
		switch tok {
		case json.Delim('{'), json.Delim('['):
			if len(stack) >= maxDepth {
				return errors.New("nested too deep")
			}
			f := &frame{}
			if tok == json.Delim('{') {
				f.keys, f.expectKey = map[string]bool{}, true
			}
			stack = append(stack, f)
			continue
		case json.Delim(']'):
			stack = stack[:len(stack)-1]
		case nil:
			return errors.New("null is not a value here")
		}
		// A value ended: at the top, count it; in an object, a key comes next.
		if len(stack) == 0 {
			values++
		} else if t := stack[len(stack)-1]; t.keys != nil {
			t.expectKey = true
		}
	}
}

// decodeStrict checks data's structure and decodes it into v, refusing unknown keys. Its
// errors never quote the input.
func decodeStrict(data []byte, v any) error {
	if err := checkStructure(data); err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			return errors.New("a value has the wrong JSON type")
		}
		return errors.New("an unknown key or an invalid value")
	}
	return nil
}
