package main

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// FuzzParseSize: --max-file-size never panics and never gives a size that is not positive or
// beyond the 1 PiB ceiling (an overflow would turn a cap into no cap).
func FuzzParseSize(f *testing.F) {
	for _, s := range []string{"100MiB", " 2 gib ", "5000000", "-1K"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, err := parseSize(s)
		if err == nil && (n <= 0 || n > 1<<50) {
			t.Fatalf("parseSize(%q) = %d", s, n)
		}
	})
}

// FuzzParseTTL: --expires gives a positive duration of at most five years, or a usage error.
func FuzzParseTTL(f *testing.F) {
	for _, s := range []string{"48h", "7d", "99999999999999d", "1h-30m"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := parseTTL(s)
		if err == nil && (d <= 0 || d > 5*365*24*time.Hour) {
			t.Fatalf("parseTTL(%q) = %v", s, d)
		}
		// "Nd" is exactly N days: a wrapped multiplication must not pass as a short TTL.
		if days, ok := strings.CutSuffix(s, "d"); ok && err == nil && fmt.Sprint(int64(d/(24*time.Hour))) != days {
			t.Fatalf("parseTTL(%q) = %v", s, d)
		}
	})
}

// FuzzParseFieldFlags: the flags (one per line of the input) give a map whose keys are
// trimmed, non-empty and each taken from one flag, with the value after its first '='.
func FuzzParseFieldFlags(f *testing.F) {
	for _, s := range []string{"first_name=Ada\nlast_name=Lovelace", " a =b=c", "a=1\na=2", "=x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		flags := strings.Split(s, "\n")
		fields, err := parseFieldFlags(flags)
		if err != nil {
			return
		}
		if len(fields) != len(flags) {
			t.Fatalf("%d flags gave %d fields", len(flags), len(fields))
		}
		for _, flag := range flags {
			k, v, _ := strings.Cut(flag, "=")
			k = strings.TrimSpace(k)
			if k == "" || fields[k] != v {
				t.Fatalf("flag %q gave %q=%q", flag, k, fields[k])
			}
		}
	})
}
