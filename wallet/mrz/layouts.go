package mrz

import (
	"strings"
	"time"
)

// parser holds the zone being read and the result being filled.
type parser struct {
	lines []string
	now   time.Time
	m     *MRZ
	// numberRanOn is set when the document number ran on into the optional data, whose
	// remainder is then already in m.OptionalData.
	numberRanOn bool
}

func (p *parser) text(s span) string { return p.lines[s.line][s.start:s.end] }

// at returns the span of one column.
func at(line, col int) span { return span{line, col, col + 1} }

// checkDigit verifies the digit at digit over the covered spans, naming field on failure.
func (p *parser) checkDigit(field string, digit span, covered ...span) error {
	var b strings.Builder
	for _, s := range covered {
		b.WriteString(p.text(s))
	}
	want, ok := CheckDigit(b.String())
	if ok && p.lines[digit.line][digit.start] == want {
		return nil
	}
	return &CheckDigitError{Field: field, Line: digit.line + 1, Column: digit.start + 1,
		Suspects: findSuspects(p.lines, covered, digit)}
}

// header reads the document code and issuing state, common to every layout.
func (p *parser) header() error {
	code := p.text(span{0, 0, 2})
	if code[0] < 'A' || code[0] > 'Z' || code[1] >= '0' && code[1] <= '9' {
		return &FieldError{Field: "document_code", Line: 1, Column: 1, Reason: "not a document code"}
	}
	switch p.m.Format {
	case TD3:
		if code[0] != 'P' {
			return &FieldError{Field: "document_code", Line: 1, Column: 1, Reason: "a 44-character zone is a passport (P) or a visa (V)"}
		}
	case TD1, TD2:
		if code[0] != 'A' && code[0] != 'C' && code[0] != 'I' && code[0] != 'P' {
			return &FieldError{Field: "document_code", Line: 1, Column: 1, Reason: "not an identity document code (A, C, I)"}
		}
	}
	p.m.DocumentCode = trimFiller(code)
	state, err := p.state("issuing_country", span{0, 2, 5})
	p.m.IssuingState = state
	return err
}

// state reads a three-character state code: letters, right-filled with '<'.
func (p *parser) state(field string, s span) (string, error) {
	v := trimFiller(p.text(s))
	if v == "" || strings.ContainsAny(v, "<0123456789") {
		return "", &FieldError{Field: field, Line: s.line + 1, Column: s.start + 1, Reason: "not a state code"}
	}
	return v, nil
}

// twoLine reads TD2, TD3, MRV-A and MRV-B zones, whose second lines share one layout up to
// the optional data.
func (p *parser) twoLine() error {
	w := len(p.lines[0])
	if err := p.header(); err != nil {
		return err
	}
	if err := p.names(span{0, 5, w}); err != nil {
		return err
	}
	number, numberCD := span{1, 0, 9}, at(1, 9)
	optional := span{1, 28, w - 1} // TD2, TD3: before the composite (or personal number) digit
	visa := p.m.Format == MRVA || p.m.Format == MRVB
	if visa {
		optional = span{1, 28, w}
	}
	if p.m.Format == TD3 {
		optional = span{1, 28, 42}
		if err := p.optionalDigit(optional, at(1, 42)); err != nil {
			return err
		}
	}
	if p.m.Format == TD2 && p.lines[1][9] == '<' {
		// A document number longer than nine characters goes on in the optional data,
		// followed by its check digit (Part 6, 4.2.4).
		if err := p.longNumber(number, optional, numberCD); err != nil {
			return err
		}
	} else if err := p.number(number, numberCD); err != nil {
		return err
	}
	if err := p.personal(span{1, 10, 13}, span{1, 13, 19}, span{1, 20, 21}, span{1, 21, 27}); err != nil {
		return err
	}
	if !p.numberRanOn {
		p.m.OptionalData = trimFiller(p.text(optional))
	}
	if visa {
		return nil
	}
	if p.m.Format == TD3 {
		return p.checkDigit("composite", at(1, 43), span{1, 0, 10}, span{1, 13, 20}, span{1, 21, 43})
	}
	return p.checkDigit("composite", at(1, 35), span{1, 0, 10}, span{1, 13, 20}, span{1, 21, 35})
}

// td1 reads a three-line identity card zone.
func (p *parser) td1() error {
	if err := p.header(); err != nil {
		return err
	}
	number, numberCD, optional := span{0, 5, 14}, at(0, 14), span{0, 15, 30}
	if p.lines[0][14] == '<' {
		if err := p.longNumber(number, optional, numberCD); err != nil {
			return err
		}
	} else if err := p.number(number, numberCD); err != nil {
		return err
	}
	if err := p.personal(span{1, 15, 18}, span{1, 0, 6}, span{1, 7, 8}, span{1, 8, 14}); err != nil {
		return err
	}
	if !p.numberRanOn {
		p.m.OptionalData = trimFiller(p.text(optional))
	}
	if extra := trimFiller(p.text(span{1, 18, 29})); extra != "" {
		p.m.OptionalData = strings.TrimSpace(p.m.OptionalData + " " + extra)
	}
	if err := p.names(span{2, 0, 30}); err != nil {
		return err
	}
	return p.checkDigit("composite", at(1, 29), span{0, 5, 30}, span{1, 0, 7}, span{1, 8, 15}, span{1, 18, 29})
}

// personal reads nationality, birth date, sex and expiry date; their check digits follow
// the dates directly in every layout.
func (p *parser) personal(nationality, birth, sex, expiry span) error {
	var err error
	if p.m.Nationality, err = p.state("nationality", nationality); err != nil {
		return err
	}
	birthCD, expiryCD := at(birth.line, birth.end), at(expiry.line, expiry.end)
	if err = p.checkDigit("birth_date", birthCD, birth); err != nil {
		return err
	}
	if p.m.BirthDate, err = p.date("birth_date", birth, false); err != nil {
		return err
	}
	switch c := p.text(sex); c {
	case "M", "F":
		p.m.Sex = c
	case "<", "X":
	default:
		return &FieldError{Field: "gender", Line: sex.line + 1, Column: sex.start + 1, Reason: "not M, F, X or '<'"}
	}
	if err = p.checkDigit("expiry_date", expiryCD, expiry); err != nil {
		return err
	}
	p.m.ExpiryDate, err = p.date("expiry_date", expiry, true)
	return err
}

// number reads a document number of at most nine characters and checks its digit.
func (p *parser) number(number, digit span) error {
	if err := p.checkDigit("document_no", digit, number); err != nil {
		return err
	}
	p.m.DocumentNumber = trimFiller(p.text(number))
	if p.m.DocumentNumber == "" {
		return &FieldError{Field: "document_no", Line: number.line + 1, Column: number.start + 1, Reason: "empty"}
	}
	return nil
}

// longNumber reads a document number whose first nine characters are at number, whose
// check-digit position holds '<', and which continues in optional up to its check digit,
// the last character before the first filler.
func (p *parser) longNumber(number, optional, digit span) error {
	rest := p.text(optional)
	end := strings.IndexByte(rest, '<')
	if end < 0 {
		end = len(rest)
	}
	if end < 2 { // at least one more character and the check digit
		return &FieldError{Field: "document_no", Line: digit.line + 1, Column: digit.start + 1, Reason: "check digit missing"}
	}
	tail := span{optional.line, optional.start, optional.start + end - 1}
	cd := at(optional.line, optional.start+end-1)
	if err := p.checkDigit("document_no", cd, number, tail); err != nil {
		return err
	}
	p.m.DocumentNumber = p.text(number) + p.text(tail)
	p.m.OptionalData = trimFiller(strings.TrimLeft(rest[end:], "<"))
	p.numberRanOn = true
	return nil
}

// optionalDigit checks TD3's personal number digit, which may be '<' when the personal
// number is all fillers.
func (p *parser) optionalDigit(optional, digit span) error {
	if p.lines[digit.line][digit.start] == '<' && strings.Trim(p.text(optional), "<") == "" {
		return nil
	}
	return p.checkDigit("personal_number", digit, optional)
}

// names splits the name field into primary and secondary identifiers.
func (p *parser) names(s span) error {
	v := strings.TrimRight(p.text(s), "<")
	if strings.ContainsAny(v, "0123456789") {
		return &FieldError{Field: "last_name", Line: s.line + 1, Column: s.start + 1, Reason: "a name holds letters and '<' only"}
	}
	primary, secondary, _ := strings.Cut(v, "<<")
	p.m.Surname = fillerToSpace(primary)
	p.m.GivenNames = fillerToSpace(secondary)
	if p.m.Surname == "" && p.m.GivenNames == "" {
		return &FieldError{Field: "last_name", Line: s.line + 1, Column: s.start + 1, Reason: "no name"}
	}
	return nil
}

// fillerToSpace turns every run of fillers into one space and trims the ends.
func fillerToSpace(s string) string {
	return strings.Join(strings.FieldsFunc(s, func(r rune) bool { return r == '<' }), " ")
}

// trimFiller removes the trailing fillers of a field.
func trimFiller(s string) string { return strings.TrimRight(s, "<") }
