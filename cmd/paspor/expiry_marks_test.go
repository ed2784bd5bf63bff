package main

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/paspor/paspor/internal/testenv"
	"github.com/paspor/paspor/wallet"
	"github.com/paspor/paspor/wallet/schema"
)

func TestParseWindow(t *testing.T) {
	tests := []struct {
		in   string
		want int // -1: a usage error
	}{
		{"0d", 0}, {"1d", 1}, {"90d", 90}, {"12w", 84}, {"0w", 0}, {"9999d", 9999}, {"1428w", 9996},
		{"10000d", -1}, {"1429w", -1}, {"2635249153387078803w", -1}, {"99999999999999999999d", -1},
		{"", -1}, {"d", -1}, {"30", -1}, {"3m", -1}, {"1y", -1}, {"-1d", -1}, {"+5d", -1}, {"05d", -1},
		{" 5d", -1}, {"5 d", -1}, {"5D", -1}, {"1.5w", -1}, {"5dd", -1}, {"0x10d", -1},
	}
	for _, tc := range tests {
		got, err := parseWindow("--within", tc.in)
		if tc.want < 0 {
			if err == nil || exitCodeOf(err) != exitUsage {
				t.Errorf("parseWindow(%q) = %d, %v; want a usage error", tc.in, got, err)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("parseWindow(%q) = %d, %v; want %d", tc.in, got, err, tc.want)
		}
	}
}

// FuzzParseWindow: --within and --stale-after give 0 to 9999 days, exactly the count written
// (a wrapped multiplication must not pass as a short window), or a usage error.
func FuzzParseWindow(f *testing.F) {
	for _, s := range []string{"90d", "12w", "2635249153387078803w", "-0d"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, err := parseWindow("--within", s)
		if err != nil {
			if exitCodeOf(err) != exitUsage {
				t.Fatalf("parseWindow(%q): %v is not a usage error", s, err)
			}
			return
		}
		if n < 0 || n > maxWindowDays {
			t.Fatalf("parseWindow(%q) = %d", s, n)
		}
		num, unit := s[:len(s)-1], map[byte]int{'d': 1, 'w': 7}[s[len(s)-1]]
		if unit == 0 || strconv.Itoa(n/unit) != num || n%unit != 0 {
			t.Fatalf("parseWindow(%q) = %d days", s, n)
		}
	})
}

// TestFuzzParseWindowSeeds: the committed seed folder exists and holds files, so the fuzz
// target starts from more than its inline seeds.
func TestFuzzParseWindowSeeds(t *testing.T) {
	entries, err := os.ReadDir(filepath.Join("testdata", "fuzz", "FuzzParseWindow"))
	if err != nil || len(entries) == 0 {
		t.Fatalf("no seed files for FuzzParseWindow: %v", err)
	}
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join("testdata", "fuzz", "FuzzParseWindow", e.Name()))
		if err != nil || !strings.HasPrefix(string(b), "go test fuzz v1\n") {
			t.Errorf("seed %s is not a go test fuzz v1 file", e.Name())
		}
	}
}

// TestClockKnobIsTestOnly: PASPOR_TEST_NOW moves the clock of the test binary only; the
// real binary ignores it, so nobody can make an expired passport look valid to share (or
// hide it from a reminder job) through the environment.
func TestClockKnobIsTestOnly(t *testing.T) {
	if testing.Short() {
		t.Skip("SKIP: builds paspor; not in -short")
	}
	dir := t.TempDir()
	env := []string{"HOME=" + dir, "PATH=/usr/bin:/bin", "PASPOR_WALLET=" + filepath.Join(dir, "w.db"),
		"PASPOR_PASSPHRASE=correct-horse-battery", "PASPOR_FACTOR_FILE=" + filepath.Join(dir, "dev.key"), "TZ=UTC"}
	paspor := buildPaspor(t)
	if out, code := runIn(t, env, paspor, "init", "--kdf-memory", "8", "--kdf-iterations", "1"); code != 0 {
		t.Fatalf("init: exit %d: %s", code, out)
	}
	before := time.Now().UTC().Format(time.DateOnly)
	out, code := runIn(t, append(env, "PASPOR_TEST_NOW=2000-01-01T12:00:00Z"), paspor, "expiring", "--json")
	after := time.Now().UTC().Format(time.DateOnly)
	if code != 0 {
		t.Fatalf("expiring: exit %d: %s", code, out)
	}
	if !strings.Contains(out, `"today": "`+before+`"`) && !strings.Contains(out, `"today": "`+after+`"`) {
		t.Fatalf("the real binary took PASPOR_TEST_NOW: %s", out)
	}
}

// TestExpiringTerminalNote: run by hand on a terminal (util-linux script gives it one on
// stdin, stdout and stderr), expiring with nothing to report says so; from cron (no
// terminal) it prints nothing, which the testscripts show.
func TestExpiringTerminalNote(t *testing.T) {
	if testing.Short() {
		t.Skip("SKIP: builds paspor; not in -short")
	}
	script := testenv.RequireProgram(t, "script", "apt-get install util-linux (bsdutils)")
	dir := t.TempDir()
	env := []string{"HOME=" + dir, "PATH=/usr/bin:/bin", "PASPOR_WALLET=" + filepath.Join(dir, "w.db"),
		"PASPOR_PASSPHRASE=correct-horse-battery", "PASPOR_FACTOR_FILE=" + filepath.Join(dir, "dev.key"), "TZ=UTC"}
	paspor := buildPaspor(t)
	if out, code := runIn(t, env, paspor, "init", "--kdf-memory", "8", "--kdf-iterations", "1"); code != 0 {
		t.Fatalf("init: exit %d: %s", code, out)
	}
	out, code := runIn(t, env, script, "-q", "-e", "-c", paspor+" expiring", "/dev/null")
	if code != 0 || !strings.Contains(out, "paspor: nothing expired, expiring within 90 days or stale (today is ") {
		t.Fatalf("expiring on a terminal: exit %d, output %q", code, out)
	}
}

// BenchmarkExpiryMarks10000 is what the marks add to list of 10,000 documents (one
// iteration marks them all): the list goal leaves 150 ms beyond the KDF.
func BenchmarkExpiryMarks10000(b *testing.B) {
	docs := make([]*wallet.Document, 10000)
	for i := range docs {
		if i%2 == 0 {
			docs[i] = &wallet.Document{ID: strconv.Itoa(i), Type: "passport", Fields: map[string]string{"document_no": "P1", "expiry_date": "2026-12-20"}}
		} else {
			docs[i] = &wallet.Document{ID: strconv.Itoa(i), Type: "utility_bill", Fields: map[string]string{"issue_date": "2026-05-01"}}
		}
	}
	m := newExpiryMarker(schema.DefaultExpiryRules())
	b.ReportAllocs()
	for b.Loop() {
		for _, d := range docs {
			if m.of(d) == nil {
				b.Fatal("no mark")
			}
		}
	}
}
