package mrz

import (
	"strings"
	"time"
)

// date reads a YYMMDD field and returns it as YYYY-MM-DD. A birth date gets the latest
// century that does not put it after now; an expiry date the century that puts it within
// 50 years of now. A field of fillers only is an unknown date (""); a field with some
// fillers (an unknown day or month, as some states print) is unknown too, since the schema
// holds whole dates only.
func (p *parser) date(field string, s span, expiry bool) (string, error) {
	v := p.text(s)
	if strings.Contains(v, "<") {
		if expiry && v != "<<<<<<" {
			return "", &FieldError{Field: field, Line: s.line + 1, Column: s.start + 1, Reason: "not a date"}
		}
		return "", nil
	}
	n := [3]int{}
	for i := 0; i < 6; i++ {
		c := v[i]
		if c < '0' || c > '9' {
			return "", &FieldError{Field: field, Line: s.line + 1, Column: s.start + i + 1, Reason: "a date holds digits only"}
		}
		n[i/2] = n[i/2]*10 + int(c-'0')
	}
	yy, mm, dd := n[0], n[1], n[2]
	year := resolveCentury(yy, mm, dd, p.now, expiry)
	t := time.Date(year, time.Month(mm), dd, 0, 0, 0, 0, time.UTC)
	if mm < 1 || mm > 12 || dd < 1 || t.Day() != dd || int(t.Month()) != mm {
		return "", &FieldError{Field: field, Line: s.line + 1, Column: s.start + 1, Reason: "not a date"}
	}
	return t.Format("2006-01-02"), nil
}

// resolveCentury picks the four-digit year for a two-digit one. Dates are compared as
// YYYYMMDD numbers so that an impossible day cannot move the choice.
func resolveCentury(yy, mm, dd int, now time.Time, expiry bool) int {
	today := now.Year()*10000 + int(now.Month())*100 + now.Day()
	base := now.Year() / 100 * 100
	if expiry {
		// The candidate in the current century, or the neighbouring one that is closest to now.
		best := base + yy
		for _, y := range []int{base - 100 + yy, base + 100 + yy} {
			if abs(y*10000+mm*100+dd-today) < abs(best*10000+mm*100+dd-today) {
				best = y
			}
		}
		return best
	}
	y := base + yy
	if y*10000+mm*100+dd > today {
		y -= 100
	}
	return y
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}
