package schema

import (
	"net/mail"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/language"
)

// Limits on field values. They keep records and bundles small and stop a pasted file from
// becoming a "name"; real values are far shorter.
const (
	maxTextRunes   = 256
	maxEmailBytes  = 254 // RFC 5321: a path is at most 256 octets including the angle brackets
	minPhoneDigits = 8
	maxPhoneDigits = 15 // E.164
)

// Reasons for rejected values. They say what is wanted and never quote the value, which is
// document content and must not reach logs or terminals (S1).
const (
	reasonEmpty   = "empty (omit the field instead)"
	reasonUTF8    = "not valid UTF-8 text"
	reasonDate    = "not a date (want YYYY-MM-DD or DD.MM.YYYY)"
	reasonCountry = "not an ISO 3166-1 alpha-2 country code (want two letters, e.g. DE, GB, US)"
	reasonGender  = "want male or female"
	reasonPhone   = "not a phone number in E.164 form (want + and 8-15 digits, e.g. +4915112345678)"
	reasonEmail   = "not a bare e-mail address (want name@example.com, no display name or spaces)"
	reasonLong    = "too long (want at most 256 characters)"
	reasonControl = "contains control or line-break characters"
)

// withdrawnCountries are codes that x/text still reports as countries but that ISO 3166-1 has
// withdrawn (and that have no single successor, so Canonicalize keeps them): Netherlands
// Antilles, Serbia and Montenegro, the Saudi-Iraqi Neutral Zone, the USSR and Yugoslavia. The
// other withdrawn codes (BU, DD, FX, TP, ZR, ...) canonicalize to their successor and are
// rejected by that test.
var withdrawnCountries = map[string]bool{"AN": true, "CS": true, "NT": true, "SU": true, "YU": true}

// NormalizeField validates value for the field called name and returns its canonical form:
//
//   - dates: YYYY-MM-DD or DD.MM.YYYY, a real calendar date (years 0001-9999), output YYYY-MM-DD;
//   - country codes: a current ISO 3166-1 alpha-2 code for a country, any case, output upper case;
//     XK (Kosovo, user-assigned but what Kosovo's documents and most KYC services use) is accepted;
//   - gender: male or female, any case, output lower case;
//   - phone numbers: E.164, + then 8-15 digits with a non-zero first digit; spaces, dashes and
//     parentheses are accepted on input and removed;
//   - e-mail: a bare address (no display name, no angle brackets), at most 254 bytes;
//   - text: trimmed, non-empty, at most 256 runes, no control characters.
//
// Surrounding white space is removed from every kind. Failures are *InvalidInputError with
// Field set to name and a Reason that says what is expected without repeating the value.
func (t *TypeSpec) NormalizeField(name, value string) (string, error) {
	f, ok := t.Field(name)
	if !ok {
		return "", t.unknownFieldError(name)
	}
	out, reason := normalizeValue(f.Kind, value)
	if reason != "" {
		return "", &InvalidInputError{Field: name, Reason: reason}
	}
	if f.Kind == FieldMRZ {
		if err := t.checkZoneKind(out); err != nil {
			return "", err
		}
	}
	return out, nil
}

// normalizeValue returns the canonical form of value for kind, or "" and the reason it was
// rejected.
func normalizeValue(kind FieldKind, value string) (string, string) {
	if !utf8.ValidString(value) {
		return "", reasonUTF8
	}
	v := strings.TrimSpace(value)
	if v == "" {
		return "", reasonEmpty
	}
	switch kind {
	case FieldDate:
		return normalizeDate(v)
	case FieldCountry:
		return normalizeCountry(v)
	case FieldGender:
		return normalizeGender(v)
	case FieldPhone:
		return normalizePhone(v)
	case FieldEmail:
		return normalizeEmail(v)
	case FieldMRZ:
		return normalizeMRZ(v)
	default:
		return normalizeText(v)
	}
}

// normalizeDate accepts YYYY-MM-DD (ISO 8601, what paspor stores) and DD.MM.YYYY (how most
// European documents print dates). Only exact digit positions are accepted: time.Parse alone
// would also take other widths in some layouts, and the stored form must be unique.
func normalizeDate(v string) (string, string) {
	var y, m, d int
	switch {
	case len(v) == 10 && v[4] == '-' && v[7] == '-':
		y, m, d = parseDigits(v[0:4]), parseDigits(v[5:7]), parseDigits(v[8:10])
	case len(v) == 10 && v[2] == '.' && v[5] == '.':
		d, m, y = parseDigits(v[0:2]), parseDigits(v[3:5]), parseDigits(v[6:10])
	default:
		return "", reasonDate
	}
	if y < 1 || m < 1 || d < 1 {
		return "", reasonDate
	}
	// time.Date normalises 2024-02-30 to 2024-03-01; a date that does not come back unchanged
	// does not exist in the calendar.
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
	if t.Year() != y || t.Month() != time.Month(m) || t.Day() != d {
		return "", reasonDate
	}
	return t.Format(time.DateOnly), ""
}

// parseDigits parses s as an unsigned decimal made only of ASCII digits, or returns -1.
func parseDigits(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return -1
		}
		n = n*10 + int(s[i]-'0')
	}
	return n
}

// normalizeCountry leans on x/text's region table (CLDR) rather than a hand-kept list. That
// table is wider than ISO 3166-1 alpha-2, so the parser's leniencies are closed here:
// ParseRegion also takes UN M.49 numbers ("276") and alpha-3 codes ("DEU"), hence the
// two-letter check; it knows macro-regions and private-use codes (EU, QO, XA, ZZ), which are not
// countries; it knows exceptionally reserved codes (UK, EA, IC, AC, ...), which have no M.49
// number or no alpha-3 code; and it knows withdrawn codes, which canonicalize to a successor
// (BU -> MM) or are listed in withdrawnCountries.
func normalizeCountry(v string) (string, string) {
	if len(v) != 2 || !isASCIILetter(v[0]) || !isASCIILetter(v[1]) {
		return "", reasonCountry
	}
	code := strings.ToUpper(v)
	r, err := language.ParseRegion(code)
	if err != nil || !r.IsCountry() || r.String() != code || r.M49() == 0 || r.ISO3() == "ZZZ" ||
		r.Canonicalize() != r || withdrawnCountries[code] {
		return "", reasonCountry
	}
	return code, ""
}

func isASCIILetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

// normalizeGender accepts Telegram Passport's two values, in any case.
func normalizeGender(v string) (string, string) {
	lower := strings.ToLower(v)
	if lower != "male" && lower != "female" {
		return "", reasonGender
	}
	return lower, ""
}

// normalizePhone strips the separators people type ("+49 (151) 123-45678") and checks E.164.
// Local numbers ("0151...") are rejected: without the country code a partner cannot call them.
func normalizePhone(v string) (string, string) {
	var b strings.Builder
	for i := 0; i < len(v); i++ {
		switch c := v[i]; c {
		case ' ', '-', '(', ')':
		default:
			b.WriteByte(c)
		}
	}
	s := b.String()
	if len(s) < 1+minPhoneDigits || len(s) > 1+maxPhoneDigits || s[0] != '+' || s[1] == '0' || parseDigits(s[1:]) < 0 {
		return "", reasonPhone
	}
	return s, ""
}

// normalizeEmail accepts only what net/mail parses back to itself: that rules out display
// names ("Jane <jane@example.com>"), angle brackets, comments and quoted spaces in one test,
// and leaves the address exactly as the holder typed it.
func normalizeEmail(v string) (string, string) {
	if len(v) > maxEmailBytes {
		return "", reasonEmail
	}
	a, err := mail.ParseAddress(v)
	if err != nil || a.Name != "" || a.Address != v || hasForbiddenRune(v) {
		return "", reasonEmail
	}
	return v, ""
}

// normalizeText limits free text: names, document numbers, address lines.
func normalizeText(v string) (string, string) {
	if utf8.RuneCountInString(v) > maxTextRunes {
		return "", reasonLong
	}
	if hasForbiddenRune(v) {
		return "", reasonControl
	}
	return v, ""
}

// hasForbiddenRune reports control characters (C0, DEL, C1), line and paragraph separators,
// and the bidi embedding, override and isolate controls: they can rewrite what a terminal
// shows (a name that displays as another, a fake second line), and no document field needs them.
// Right-to-left text itself is fine; the implicit marks U+200E and U+200F are allowed.
func hasForbiddenRune(s string) bool {
	for _, r := range s {
		switch {
		case unicode.IsControl(r),
			r == '\u2028', r == '\u2029',
			r >= '\u202A' && r <= '\u202E',
			r >= '\u2066' && r <= '\u2069':
			return true
		}
	}
	return false
}
