package mrz

import (
	"fmt"
	"strings"
)

// FieldError reports a field of the MRZ that is malformed: wrong length, a character that
// does not belong, a date that does not exist. Field is the schema name of the field
// ("document_no", "birth_date", ...) or "mrz" for the zone as a whole. Line and Column
// (from 1) locate the first character at fault when known, else they are zero. Reason never
// repeats the value.
type FieldError struct {
	Field        string
	Line, Column int
	Reason       string
}

func (e *FieldError) Error() string {
	switch {
	case e.Field == "mrz" && e.Line == 0:
		return "mrz: " + e.Reason
	case e.Line == 0:
		return fmt.Sprintf("mrz: %s: %s", e.Field, e.Reason)
	case e.Column == 0:
		return fmt.Sprintf("mrz: %s (line %d): %s", e.Field, e.Line, e.Reason)
	}
	return fmt.Sprintf("mrz: %s (line %d, column %d): %s", e.Field, e.Line, e.Column, e.Reason)
}

// CheckDigitError reports a check digit that does not match the characters it covers.
// Field is the schema name of the field it guards ("document_no", "birth_date",
// "expiry_date", "personal_number") or "composite" for the digit over the whole zone. Line
// and Column (from 1) locate the check digit. Suspects lists the OCR-confusable characters
// whose look-alike would make the check pass; it may be empty.
type CheckDigitError struct {
	Field        string
	Line, Column int
	Suspects     []Suspect
}

func (e *CheckDigitError) Error() string {
	return fmt.Sprintf("mrz: check digit of %s (line %d, column %d) does not match", e.Field, e.Line, e.Column)
}

// Hint describes the suspect positions for a person to look at, or "" when there are none.
// It names each position and the pair of look-alike characters; this is one character of
// the zone, which the holder is reading from their own document anyway.
func (e *CheckDigitError) Hint() string {
	if len(e.Suspects) == 0 {
		return ""
	}
	parts := make([]string, 0, len(e.Suspects))
	for _, s := range e.Suspects {
		parts = append(parts, fmt.Sprintf("line %d, column %d: %q may be %q", s.Line, s.Column, s.Read, s.Maybe))
	}
	return "check the characters OCR often confuses: " + strings.Join(parts, "; ")
}

// NoAlpha2Error reports a state code from an MRZ that has no ISO 3166-1 alpha-2 equivalent:
// ICAO's codes for organisations (UNO, EUE, XPO), for stateless persons and refugees (XXA,
// XXB, XXC), the specimen state Utopia (UTO), or a code that is not assigned at all.
type NoAlpha2Error struct {
	Code string // the three-letter code (an MRZ code is not personal data on its own)
}

func (e *NoAlpha2Error) Error() string {
	return fmt.Sprintf("mrz: state code %q has no ISO 3166-1 alpha-2 country code", e.Code)
}
