package mrz

import (
	"errors"
	"strings"
	"testing"
)

// refCheck is an independent statement of ICAO 9303 Part 3's check digit, written the way
// the standard's worked example is (values, weights 7-3-1, sum modulo 10).
func refCheck(s string) byte {
	sum := 0
	for i, c := range []byte(s) {
		v := 0
		switch {
		case c >= '0' && c <= '9':
			v = int(c - '0')
		case c >= 'A' && c <= 'Z':
			v = int(c-'A') + 10
		}
		sum += v * []int{7, 3, 1}[i%3]
	}
	return byte('0' + sum%10)
}

// guard is one check digit: its position and the characters it covers, each as
// (line, first column, end column) from 0.
type guard struct {
	field  string
	line   int
	col    int
	covers [][3]int
}

var guards = map[Format][]guard{
	TD3: {
		{"document_no", 1, 9, [][3]int{{1, 0, 9}}},
		{"birth_date", 1, 19, [][3]int{{1, 13, 19}}},
		{"expiry_date", 1, 27, [][3]int{{1, 21, 27}}},
		{"personal_number", 1, 42, [][3]int{{1, 28, 42}}},
		{"composite", 1, 43, [][3]int{{1, 0, 10}, {1, 13, 20}, {1, 21, 43}}},
	},
	TD2: {
		{"document_no", 1, 9, [][3]int{{1, 0, 9}}},
		{"birth_date", 1, 19, [][3]int{{1, 13, 19}}},
		{"expiry_date", 1, 27, [][3]int{{1, 21, 27}}},
		{"composite", 1, 35, [][3]int{{1, 0, 10}, {1, 13, 20}, {1, 21, 35}}},
	},
	TD1: {
		{"document_no", 0, 14, [][3]int{{0, 5, 14}}},
		{"birth_date", 1, 6, [][3]int{{1, 0, 6}}},
		{"expiry_date", 1, 14, [][3]int{{1, 8, 14}}},
		{"composite", 1, 29, [][3]int{{0, 5, 30}, {1, 0, 7}, {1, 8, 15}, {1, 18, 29}}},
	},
}

func (g guard) holds(lines []string) bool {
	var b []byte
	for _, c := range g.covers {
		b = append(b, lines[c[0]][c[1]:c[2]]...)
	}
	if g.field == "personal_number" && lines[g.line][g.col] == '<' && strings.Trim(string(b), "<") == "" {
		return true // Part 4: the digit may be a filler when the personal number is empty
	}
	return lines[g.line][g.col] == refCheck(string(b))
}

// owns says whether the guard's own field (not the composite) covers the position.
func (g guard) owns(line, col int) bool {
	if g.field == "composite" {
		return false
	}
	if line == g.line && col == g.col {
		return true
	}
	c := g.covers[0]
	return line == c[0] && col >= c[1] && col < c[2]
}

const alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ<"

// TestEverySingleChangeThatBreaksACheckIsRefused changes every character of the ICAO
// specimens to every other character of the MRZ alphabet. Wherever the change breaks a check
// digit (as an independent computation says), Parse must refuse; where it breaks the digit of
// the field the character belongs to, the error must name that field.
func TestEverySingleChangeThatBreaksACheckIsRefused(t *testing.T) {
	refused, tried := 0, 0
	for _, sp := range specimens {
		gs, ok := guards[sp.want.Format]
		if !ok {
			continue
		}
		orig, err := splitLines(sp.lines)
		if err != nil {
			t.Fatal(err)
		}
		for _, g := range gs {
			if !g.holds(orig) {
				t.Fatalf("%s: reference check %s fails on the specimen itself", sp.name, g.field)
			}
		}
		for li := range orig {
			for col := range len(orig[li]) {
				for _, c := range []byte(alphabet) {
					if c == orig[li][col] {
						continue
					}
					lines := append([]string(nil), orig...)
					b := []byte(lines[li])
					b[col] = c
					lines[li] = string(b)
					broken, owner := false, ""
					for _, g := range gs {
						if !g.holds(lines) {
							broken = true
							if g.owns(li, col) && owner == "" {
								owner = g.field
							}
						}
					}
					if !broken {
						continue
					}
					tried++
					_, err := ParseAt(lines[0]+"\n"+lines[1]+"\n"+lineOrEmpty(lines, 2), testNow)
					if err == nil {
						t.Errorf("%s: line %d column %d -> %q breaks a check digit but parses", sp.name, li+1, col+1, c)
						continue
					}
					refused++
					if owner != "" && errField(err) != owner {
						t.Errorf("%s: line %d column %d -> %q: error %q names %q, want %q", sp.name, li+1, col+1, c, err, errField(err), owner)
					}
				}
			}
		}
	}
	t.Logf("%d of %d check-breaking single-character changes refused", refused, tried)
}

func lineOrEmpty(lines []string, i int) string {
	if i < len(lines) {
		return lines[i]
	}
	return ""
}

func errField(err error) string {
	var ce *CheckDigitError
	var fe *FieldError
	switch {
	case errors.As(err, &ce):
		return ce.Field
	case errors.As(err, &fe):
		return fe.Field
	}
	return ""
}
