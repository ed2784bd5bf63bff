package request

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"unicode"
	"unicode/utf8"
)

// maxDepth caps JSON nesting; the deepest document here nests four levels.
const maxDepth = 8

// keyPattern is what every JSON key must look like. Known keys are lower-case ASCII, so a key
// outside this pattern can only be a second spelling of one (encoding/json matches keys
// case-insensitively, with Unicode folding), which must not be accepted.
var keyPattern = regexp.MustCompile(`^[a-z][a-z0-9_]{0,31}$`)

// errStructure is wrapped by checkStructure's errors.
var errStructure = errors.New("malformed JSON")

// checkStructure walks data as JSON tokens and refuses what encoding/json would let through
// silently: keys that are not lower-case ASCII, duplicate keys, null, nesting deeper than
// maxDepth, invalid UTF-8 and trailing data. Unknown keys are refused by the decoder after.
func checkStructure(data []byte) error {
	if !utf8.Valid(data) {
		return fmt.Errorf("%w: invalid UTF-8", errStructure)
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
				return fmt.Errorf("%w: want exactly one value", errStructure)
			}
			return nil
		}
		if err != nil {
			return fmt.Errorf("%w: syntax", errStructure)
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
				return fmt.Errorf("%w: a key is not lower-case ASCII", errStructure)
			}
			if top.keys[key] {
				return fmt.Errorf("%w: duplicate key %q", errStructure, key)
			}
			top.keys[key], top.expectKey = true, false
			continue
		}
		switch tok {
		case json.Delim('{'), json.Delim('['):
			if len(stack) >= maxDepth {
				return fmt.Errorf("%w: nested too deep", errStructure)
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
			return fmt.Errorf("%w: null is not a value here", errStructure)
		}
		// A value ended: at the top, count it; in an object, a key comes next.
		if len(stack) == 0 {
			values++
		} else if t := stack[len(stack)-1]; t.keys != nil {
			t.expectKey = true
		}
	}
}

// decodeStrict checks data's structure and decodes it into v, refusing unknown keys. Errors
// are RejectedErrors with ReasonMalformed; they name keys at most, never values.
func decodeStrict(what string, data []byte, v any) error {
	if err := checkStructure(data); err != nil {
		return reject(what, ReasonMalformed, "%v", err)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return reject(what, ReasonMalformed, "%s", decodeDetail(err))
	}
	return nil
}

// decodeDetail describes a decoding error without quoting the input.
func decodeDetail(err error) string {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return "wrong JSON type for " + safeKeyPath(te.Field)
	}
	return "unknown key or wrong value"
}

// safeKeyPath returns path when it is made of known-looking key characters, else a placeholder.
func safeKeyPath(path string) string {
	for _, r := range path {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_' || r == '.') {
			return "a key"
		}
	}
	if path == "" {
		return "the document"
	}
	return path
}

// encodeCanonical is the canonical encoding: encoding/json's output for the struct (keys in
// declaration order, no spaces) with HTML escaping off. Validated strings hold no control
// characters, so the only escapes are \" and \\.
func encodeCanonical(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, fmt.Errorf("failed to encode: %w", err)
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// checkText checks a free-text value: 1..maxRunes runes, valid UTF-8, only printable
// characters (letters, marks, numbers, punctuation, symbols, and U+0020), no leading or
// trailing space. That leaves out every control, format (bidi, zero-width) and separator
// character, so nothing in it can rewrite what a terminal shows.
func checkText(what, name, s string, maxRunes int) error {
	if s == "" {
		return reject(what, ReasonInvalid, "%s is empty", name)
	}
	if !utf8.ValidString(s) {
		return reject(what, ReasonInvalid, "%s is not UTF-8", name)
	}
	if utf8.RuneCountInString(s) > maxRunes {
		return reject(what, ReasonTooLarge, "%s is longer than %d characters", name, maxRunes)
	}
	for _, r := range s {
		if !unicode.IsPrint(r) || r == utf8.RuneError {
			return reject(what, ReasonInvalid, "%s holds a control, format or separator character", name)
		}
	}
	if s[0] == ' ' || s[len(s)-1] == ' ' {
		return reject(what, ReasonInvalid, "%s starts or ends with a space", name)
	}
	return nil
}
