package termsafe

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Escape returns s with every rune that is not a graphic character or an ASCII space
// replaced by a Go-style escape (\x1b, \u202e, \U000e0001), and each backslash doubled, so
// that the result is unambiguous and shows the same on every terminal. Escape(s) == s for
// text that needs no escaping.
func Escape(s string) string {
	if Clean(s) && !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	write(&b, s, false)
	return b.String()
}

// Quote returns s in double quotes, escaped as [Escape] does and with '"' escaped too, so
// that text an attacker chose cannot pass for the line around it.
func Quote(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	write(&b, s, true)
	b.WriteByte('"')
	return b.String()
}

// Clean reports whether s is valid UTF-8 holding only graphic characters and ASCII spaces:
// text a terminal shows as it is.
func Clean(s string) bool {
	for i, r := range s {
		if r == utf8.RuneError {
			if _, size := utf8.DecodeRuneInString(s[i:]); size == 1 {
				return false
			}
		}
		if !safeRune(r) {
			return false
		}
	}
	return true
}

// safeRune: graphic runes (letters, marks, numbers, punctuation, symbols) and the ASCII
// space; other spaces, controls and format characters are escaped.
func safeRune(r rune) bool {
	return r == ' ' || unicode.IsGraphic(r) && !unicode.Is(unicode.Zs, r)
}

func write(b *strings.Builder, s string, quote bool) {
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			fmt.Fprintf(b, `\x%02x`, s[i])
		case r == '\\':
			b.WriteString(`\\`)
		case quote && r == '"':
			b.WriteString(`\"`)
		case safeRune(r):
			b.WriteString(s[i : i+size])
		case r < 0x80:
			fmt.Fprintf(b, `\x%02x`, r)
		case r <= 0xffff:
			fmt.Fprintf(b, `\u%04x`, r)
		default:
			fmt.Fprintf(b, `\U%08x`, r)
		}
		i += size
	}
}
