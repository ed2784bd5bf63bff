package main

import (
	"strings"
	"testing"
	"time"
)

// FuzzParseSince: --since gives a time not after now (a duration counts back), or a usage
// error; never a panic.
func FuzzParseSince(f *testing.F) {
	for _, s := range []string{"2026-12-01", "2026-12-01T10:00:00Z", "48h", "7d", "-5h", "0d", "36500d"} {
		f.Add(s)
	}
	now := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, s string) {
		got, err := parseSince(s, now)
		if err != nil {
			return
		}
		if _, derr := time.Parse(time.DateOnly, s); derr == nil {
			return // a date may lie in the future: nothing then matches
		}
		if _, terr := time.Parse(time.RFC3339, s); terr == nil {
			return
		}
		if !got.Before(now) {
			t.Fatalf("parseSince(%q) = %v, not before now", s, got)
		}
	})
}

// FuzzParsePicks: --pick values (one per line) give one TYPE=ID pair each, both non-empty,
// no type twice; anything else is a usage error.
func FuzzParsePicks(f *testing.F) {
	for _, s := range []string{"passport=3k9x", "passport=a\nidentity_card=b", "passport", "=x", "a=1\na=2", "a==b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		values := strings.Split(s, "\n")
		picks, err := parsePicks(values)
		if err != nil {
			return
		}
		if len(picks) != len(values) {
			t.Fatalf("%d values gave %d picks", len(values), len(picks))
		}
		for _, v := range values {
			k, id, _ := strings.Cut(v, "=")
			if k == "" || id == "" || picks[k] != id {
				t.Fatalf("value %q gave %q=%q", v, k, picks[k])
			}
		}
	})
}
