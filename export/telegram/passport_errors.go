package telegram

import (
	"encoding/json"
	"fmt"
	"strings"
	"unicode/utf8"
)

// ElementError is one PassportElementError of setPassportDataErrors: what a bot tells the
// user to fix. Source says which kind: data, front_side, reverse_side, selfie, file,
// files, translation_file, translation_files or unspecified.
type ElementError struct {
	Source      string   `json:"source"`
	Type        string   `json:"type"`
	FieldName   string   `json:"field_name,omitempty"`
	DataHash    string   `json:"data_hash,omitempty"`
	FileHash    string   `json:"file_hash,omitempty"`
	FileHashes  []string `json:"file_hashes,omitempty"`
	ElementHash string   `json:"element_hash,omitempty"`
	Message     string   `json:"message"`
}

// MaxErrorMessage caps an error message, in characters.
const MaxErrorMessage = 1024

// NotFoundError is returned when an error names an element, field or file that the
// decrypted data does not have.
type NotFoundError struct {
	// What names what was not found, such as "passport selfie".
	What string
}

// Error implements error.
func (e *NotFoundError) Error() string { return "no " + e.What + " in the passport data" }

func (p *Passport) element(typ string) (*Element, error) {
	for i := range p.Elements {
		if p.Elements[i].Type == typ {
			return &p.Elements[i], nil
		}
	}
	return nil, &NotFoundError{What: "element " + typ}
}

func checkMessage(msg string) error {
	if msg == "" || !utf8.ValidString(msg) || utf8.RuneCountInString(msg) > MaxErrorMessage {
		return fmt.Errorf("an error message must be valid UTF-8, 1..%d characters", MaxErrorMessage)
	}
	return nil
}

// DataError names a field of an element's data as wrong.
func (p *Passport) DataError(typ, field, msg string) (ElementError, error) {
	if err := checkMessage(msg); err != nil {
		return ElementError{}, err
	}
	el, err := p.element(typ)
	if err != nil {
		return ElementError{}, err
	}
	if el.DataHash == "" {
		return ElementError{}, &NotFoundError{What: typ + " data"}
	}
	known := false
	for _, f := range dataFields[types[typ]] {
		known = known || f == field
	}
	if !known {
		return ElementError{}, &NotFoundError{What: "field " + field + " of " + typ}
	}
	return ElementError{Source: "data", Type: typ, FieldName: field, DataHash: el.DataHash, Message: msg}, nil
}

// FileError names a file as wrong. role is front_side, reverse_side, selfie, file/N,
// translation/N, or file or translation for all files of that list.
func (p *Passport) FileError(typ, role, msg string) (ElementError, error) {
	if err := checkMessage(msg); err != nil {
		return ElementError{}, err
	}
	el, err := p.element(typ)
	if err != nil {
		return ElementError{}, err
	}
	e := ElementError{Type: typ, Message: msg}
	if role == "file" || role == "translation" {
		for _, f := range el.Files {
			if strings.HasPrefix(f.Role, role+"/") {
				e.FileHashes = append(e.FileHashes, f.FileHash)
			}
		}
		if len(e.FileHashes) == 0 {
			return ElementError{}, &NotFoundError{What: typ + " " + role}
		}
		e.Source = map[string]string{"file": "files", "translation": "translation_files"}[role]
		return e, nil
	}
	for _, f := range el.Files {
		if f.Role == role {
			name, _, _ := splitRole(role)
			e.Source = map[string]string{"file": "file", "translation": "translation_file"}[name]
			if e.Source == "" {
				e.Source = name
			}
			e.FileHash = f.FileHash
			return e, nil
		}
	}
	return ElementError{}, &NotFoundError{What: typ + " " + role}
}

// UnspecifiedError names a whole element as wrong.
func (p *Passport) UnspecifiedError(typ, msg string) (ElementError, error) {
	if err := checkMessage(msg); err != nil {
		return ElementError{}, err
	}
	el, err := p.element(typ)
	if err != nil {
		return ElementError{}, err
	}
	if el.Hash == "" {
		return ElementError{}, &NotFoundError{What: typ + " hash"}
	}
	return ElementError{Source: "unspecified", Type: typ, ElementHash: el.Hash, Message: msg}, nil
}

// ErrorsJSON returns the parameters of setPassportDataErrors: {"user_id": ..., "errors": [...]}.
// A userID of 0 leaves user_id out, for the bot to fill in.
func ErrorsJSON(userID int64, errs []ElementError) ([]byte, error) {
	if len(errs) == 0 {
		return nil, fmt.Errorf("no errors to report")
	}
	v := struct {
		UserID int64          `json:"user_id,omitempty"`
		Errors []ElementError `json:"errors"`
	}{userID, errs}
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("failed to encode the errors: %w", err)
	}
	return append(b, '\n'), nil
}
