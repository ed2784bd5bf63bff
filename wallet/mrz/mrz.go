package mrz

import (
	"strings"
	"time"
)

// Format is the layout of a machine-readable zone.
type Format int

// The layouts ICAO Doc 9303 defines.
const (
	TD1  Format = iota + 1 // identity cards: 3 lines of 30 (Part 5)
	TD2                    // 2 lines of 36 (Part 6)
	TD3                    // passports: 2 lines of 44 (Part 4)
	MRVA                   // visas, format A: 2 lines of 44, no composite check digit (Part 7)
	MRVB                   // visas, format B: 2 lines of 36, no composite check digit (Part 7)
)

// String returns the format's name as ICAO writes it ("TD1", "MRV-A", ...).
func (f Format) String() string {
	switch f {
	case TD1:
		return "TD1"
	case TD2:
		return "TD2"
	case TD3:
		return "TD3"
	case MRVA:
		return "MRV-A"
	case MRVB:
		return "MRV-B"
	}
	return "unknown"
}

// MaxInputLen bounds what [Parse] reads: three lines of 30, with room for line ends and
// surrounding blanks. Longer input is refused before it is looked at.
const MaxInputLen = 512

// MRZ is a parsed, checked machine-readable zone. Strings have their '<' fillers trimmed;
// names have each inner '<' turned into a space.
type MRZ struct {
	Format         Format
	DocumentCode   string // "P", "PD", "I", "ID", "AC", "V", ...
	IssuingState   string // as printed: "UTO", "D", "GBD" (see [Alpha2])
	DocumentNumber string
	Surname        string // the primary identifier, "" if the zone gives none
	GivenNames     string // the secondary identifier, words separated by one space
	Nationality    string // as printed, like IssuingState
	BirthDate      string // YYYY-MM-DD; "" if the zone marks the date unknown
	Sex            string // "M", "F", or "" when unspecified ('<' or 'X')
	ExpiryDate     string // YYYY-MM-DD; "" if the zone gives no expiry
	OptionalData   string // TD3 personal number or TD1/TD2 optional data, fillers trimmed
	Lines          []string
}

// Text returns the zone as its lines joined by "\n", the form to store and share.
func (m *MRZ) Text() string { return strings.Join(m.Lines, "\n") }

// Gender returns the Telegram Passport gender for Sex ("male", "female"), or "".
func (m *MRZ) Gender() string {
	switch m.Sex {
	case "M":
		return "male"
	case "F":
		return "female"
	}
	return ""
}

// Parse reads an MRZ from text: its lines separated by line ends (blank lines and the blanks
// around each line ignored), or the whole zone on one line of 90, 88 or 72 characters. It
// checks every check digit and field and works out the century of the dates relative to the
// current time (see [ParseAt]).
func Parse(text string) (*MRZ, error) { return ParseAt(text, time.Now()) }

// ParseAt is [Parse] with the current time given: a birth date is the latest one not after
// now, an expiry date the one within 50 years either side of now.
func ParseAt(text string, now time.Time) (*MRZ, error) {
	lines, err := splitLines(text)
	if err != nil {
		return nil, err
	}
	p := &parser{lines: lines, now: now, m: &MRZ{Lines: lines}}
	switch {
	case len(lines) == 3 && len(lines[0]) == 30:
		p.m.Format = TD1
		err = p.td1()
	case len(lines) == 2 && len(lines[0]) == 44:
		p.m.Format = TD3
		if lines[0][0] == 'V' {
			p.m.Format = MRVA
		}
		err = p.twoLine()
	case len(lines) == 2 && len(lines[0]) == 36:
		p.m.Format = TD2
		if lines[0][0] == 'V' {
			p.m.Format = MRVB
		}
		err = p.twoLine()
	default:
		return nil, &FieldError{Field: "mrz", Reason: "not 3 lines of 30, 2 of 36 or 2 of 44 characters"}
	}
	if err != nil {
		return nil, err
	}
	return p.m, nil
}

// splitLines cuts text into lines, checks that they are of one length, and that every
// character is one the MRZ alphabet has.
func splitLines(text string) ([]string, error) {
	if len(text) > MaxInputLen {
		return nil, &FieldError{Field: "mrz", Reason: "input too long for a machine-readable zone"}
	}
	var lines []string
	for _, l := range strings.Split(strings.ReplaceAll(text, "\r", "\n"), "\n") {
		if l = strings.TrimSpace(l); l != "" {
			lines = append(lines, l)
		}
	}
	if len(lines) == 1 {
		l := lines[0]
		switch len(l) {
		case 90:
			lines = []string{l[:30], l[30:60], l[60:]}
		case 88:
			lines = []string{l[:44], l[44:]}
		case 72:
			lines = []string{l[:36], l[36:]}
		}
	}
	if len(lines) == 0 {
		return nil, &FieldError{Field: "mrz", Reason: "empty"}
	}
	for i, l := range lines {
		if len(l) != len(lines[0]) {
			return nil, &FieldError{Field: "mrz", Line: i + 1, Reason: "lines differ in length"}
		}
		for j := 0; j < len(l); j++ {
			if _, ok := charValue(l[j]); !ok {
				return nil, &FieldError{Field: "mrz", Line: i + 1, Column: j + 1,
					Reason: "character outside the MRZ alphabet (A-Z, 0-9, '<')"}
			}
		}
	}
	return lines, nil
}
