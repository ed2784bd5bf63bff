package mrz

// charValue is the value ICAO 9303 Part 3 gives a character in check digit computation:
// digits their value, A-Z 10-35, the filler '<' zero. ok is false for anything else.
func charValue(c byte) (v int, ok bool) {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0'), true
	case c >= 'A' && c <= 'Z':
		return int(c-'A') + 10, true
	case c == '<':
		return 0, true
	}
	return 0, false
}

// CheckDigit computes the ICAO 9303 check digit of s: the weighted sum (weights 7, 3, 1
// repeating) of the character values, modulo 10. ok is false if s holds a character that is
// not a digit, an upper-case letter or '<'.
func CheckDigit(s string) (digit byte, ok bool) {
	weights := [3]int{7, 3, 1}
	sum := 0
	for i := 0; i < len(s); i++ {
		v, ok := charValue(s[i])
		if !ok {
			return 0, false
		}
		sum += v * weights[i%3]
	}
	return byte('0' + sum%10), true
}

// confusables maps each character that OCR commonly misreads to what it may really be.
var confusables = map[byte][]byte{
	'0': {'O', 'D', 'Q'}, 'O': {'0'}, 'D': {'0'}, 'Q': {'0'},
	'1': {'I', 'L'}, 'I': {'1'}, 'L': {'1'},
	'8': {'B'}, 'B': {'8'},
	'5': {'S'}, 'S': {'5'},
	'2': {'Z'}, 'Z': {'2'},
	'6': {'G'}, 'G': {'6'},
}

// Suspect is a position where a character OCR commonly confuses, read as its look-alike,
// would make a failing check digit right. Line and Column count from 1.
type Suspect struct {
	Line, Column int
	Read, Maybe  byte // the character as read, and the look-alike that fixes the check
}

// span is a run of characters within the MRZ lines, used to locate a field.
type span struct {
	line, start, end int // line index from 0; [start, end) columns from 0
}

// findSuspects tries every confusable substitution inside the spans covered by a check
// digit (and on the check digit itself) and returns those that make the check pass.
// digitOnly marks spans that must hold digits only (dates), where a letter is always wrong.
func findSuspects(lines []string, covered []span, digitAt span) []Suspect {
	var out []Suspect
	text := func(ls []string) string {
		var b []byte
		for _, s := range covered {
			b = append(b, ls[s.line][s.start:s.end]...)
		}
		return string(b)
	}
	check := func(ls []string) bool {
		want, ok := CheckDigit(text(ls))
		return ok && ls[digitAt.line][digitAt.start] == want
	}
	try := func(line, col int) {
		read := lines[line][col]
		for _, alt := range confusables[read] {
			ls := append([]string(nil), lines...)
			b := []byte(ls[line])
			b[col] = alt
			ls[line] = string(b)
			if check(ls) {
				out = append(out, Suspect{Line: line + 1, Column: col + 1, Read: read, Maybe: alt})
			}
		}
	}
	for _, s := range covered {
		for col := s.start; col < s.end; col++ {
			try(s.line, col)
		}
	}
	try(digitAt.line, digitAt.start)
	return out
}
