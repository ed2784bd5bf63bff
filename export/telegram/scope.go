package telegram

import (
	"bytes"
	"encoding/json"
	"strings"
)

// MaxScopeSize caps the PassportScope JSON [ParseScope] accepts.
const MaxScopeSize = 64 << 10

// Scope is a bot's PassportScope: the elements it asks for, each one type or one of
// several, with the extras (selfie, translation, native names) it wants.
type Scope struct {
	// Elements are the requested elements, in the scope's order.
	Elements []ScopeElement
}

// ScopeElement is one requested element: OneOf holds one type, or several of which
// the holder sends the first they have.
type ScopeElement struct {
	OneOf       []string
	Selfie      bool
	Translation bool
	NativeNames bool
}

// String names the element as "passport" or "passport or identity_card".
func (e ScopeElement) String() string { return strings.Join(e.OneOf, " or ") }

type scopeOne struct {
	Type        string `json:"type"`
	Selfie      bool   `json:"selfie"`
	Translation bool   `json:"translation"`
	NativeNames bool   `json:"native_names"`
}

type scopeItem struct {
	scopeOne
	OneOf []scopeOne `json:"one_of"`
}

// ParseScope reads a PassportScope JSON object ({"data": [...], "v": 1}). Elements are
// objects with "type" or "one_of"; the plain type strings of early scopes are accepted too.
func ParseScope(data []byte) (*Scope, error) {
	if len(data) > MaxScopeSize {
		return nil, reject(ReasonTooLarge, "", "scope is over %d bytes", MaxScopeSize)
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	var raw struct {
		Data []json.RawMessage `json:"data"`
		V    int               `json:"v"`
	}
	if err := json.Unmarshal(data, &raw); err != nil {
		return nil, reject(ReasonMalformed, "scope", "not a PassportScope JSON object")
	}
	if len(raw.Data) == 0 {
		return nil, reject(ReasonMalformed, "scope", "the scope asks for nothing")
	}
	s := &Scope{}
	seen := map[string]bool{}
	for i, item := range raw.Data {
		var el ScopeElement
		var name string
		if json.Unmarshal(item, &name) == nil {
			el.OneOf = []string{name}
		} else {
			var it scopeItem
			if err := json.Unmarshal(item, &it); err != nil {
				return nil, reject(ReasonMalformed, "scope", "element %d is neither a type nor an object", i+1)
			}
			el.Selfie, el.Translation, el.NativeNames = it.Selfie, it.Translation, it.NativeNames
			switch {
			case it.Type != "" && len(it.OneOf) == 0:
				el.OneOf = []string{it.Type}
			case it.Type == "" && len(it.OneOf) > 0:
				for _, o := range it.OneOf {
					el.OneOf = append(el.OneOf, o.Type)
					el.Selfie = el.Selfie || o.Selfie
					el.Translation = el.Translation || o.Translation
					el.NativeNames = el.NativeNames || o.NativeNames
				}
			default:
				return nil, reject(ReasonMalformed, "scope", "element %d has neither or both of type and one_of", i+1)
			}
		}
		for _, t := range el.OneOf {
			if !KnownType(t) {
				return nil, reject(ReasonMalformed, "scope", "element %d asks for an unknown type", i+1)
			}
			if seen[t] {
				return nil, reject(ReasonMalformed, "scope", "the type %s is asked for twice", t)
			}
			seen[t] = true
		}
		s.Elements = append(s.Elements, el)
	}
	return s, nil
}

// MissingError is returned by [Scope.Apply] when the holder has no document for some
// requested elements.
type MissingError struct {
	// Missing are the requested elements no document answers.
	Missing []ScopeElement
}

// Error implements error.
func (e *MissingError) Error() string {
	names := make([]string, len(e.Missing))
	for i, m := range e.Missing {
		names[i] = m.String()
	}
	return "the scope asks for documents that are not offered: " + strings.Join(names, ", ")
}

// Apply answers the scope from docs: for each requested element the first document whose
// type it lists, trimmed to what the scope asks for (a selfie, translations and native
// names only when requested). It returns the documents to send, in the scope's order, and
// the indexes of docs the scope does not ask for. When a requested element has no
// document the error is a [*MissingError].
func (s *Scope) Apply(docs []Document) (send []Document, unused []int, err error) {
	used := make([]bool, len(docs))
	var missing []ScopeElement
	for _, el := range s.Elements {
		found := -1
		for _, t := range el.OneOf {
			for i, d := range docs {
				if !used[i] && d.Type == t {
					found = i
					break
				}
			}
			if found >= 0 {
				break
			}
		}
		if found < 0 {
			missing = append(missing, el)
			continue
		}
		used[found] = true
		send = append(send, trim(docs[found], el))
	}
	if len(missing) > 0 {
		return nil, nil, &MissingError{Missing: missing}
	}
	for i, u := range used {
		if !u {
			unused = append(unused, i)
		}
	}
	return send, unused, nil
}

func trim(d Document, el ScopeElement) Document {
	out := Document{Type: d.Type, Fields: map[string]string{}}
	for k, v := range d.Fields {
		if strings.HasSuffix(k, "_native") && !el.NativeNames {
			continue
		}
		out.Fields[k] = v
	}
	for _, a := range d.Files {
		role, _, _ := splitRole(a.Role)
		if role == "selfie" && !el.Selfie || role == "translation" && !el.Translation {
			continue
		}
		out.Files = append(out.Files, a)
	}
	return out
}
