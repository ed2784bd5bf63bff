package mrz

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

// td3With builds a valid TD3 zone with the given birth and expiry dates (YYMMDD).
func td3With(birth, expiry string) string {
	l2 := "L898902C3" + "6" + "UTO" + birth + string(mustCheck(birth)) + "F" + expiry + string(mustCheck(expiry)) + "ZE184226B<<<<<" + "1"
	l2 += string(mustCheck(l2[0:10] + l2[13:20] + l2[21:43]))
	return "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\n" + l2
}

func mustCheck(s string) byte {
	d, ok := CheckDigit(s)
	if !ok {
		panic(s)
	}
	return d
}

func TestCenturies(t *testing.T) {
	now := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		birth, expiry         string
		wantBirth, wantExpiry string
	}{
		{"261201", "261201", "2026-12-01", "2026-12-01"}, // born today: still this century
		{"261202", "761130", "1926-12-02", "2076-11-30"}, // born tomorrow's date: last century
		{"000101", "761202", "2000-01-01", "1976-12-02"}, // expiry just over 50 years ahead: last century
		{"991231", "770101", "1999-12-31", "1977-01-01"},
		{"250101", "010101", "2025-01-01", "2001-01-01"},
		{"720229", "280229", "1972-02-29", "2028-02-29"}, // leap days
	} {
		m, err := ParseAt(td3With(tc.birth, tc.expiry), now)
		if err != nil {
			t.Fatalf("%s/%s: %v", tc.birth, tc.expiry, err)
		}
		if m.BirthDate != tc.wantBirth || m.ExpiryDate != tc.wantExpiry {
			t.Errorf("%s/%s: got %s/%s, want %s/%s", tc.birth, tc.expiry, m.BirthDate, m.ExpiryDate, tc.wantBirth, tc.wantExpiry)
		}
	}
	// Across a century boundary the choice moves with the clock.
	later := time.Date(2101, 6, 1, 0, 0, 0, 0, time.UTC)
	m, err := ParseAt(td3With("990101", "050101"), later)
	if err != nil {
		t.Fatal(err)
	}
	if m.BirthDate != "2099-01-01" || m.ExpiryDate != "2105-01-01" {
		t.Errorf("in 2101: got %s/%s", m.BirthDate, m.ExpiryDate)
	}
}

func TestBadDates(t *testing.T) {
	for _, d := range []string{"741312", "740230", "730229", "740800", "74<812"} {
		_, err := ParseAt(td3With("740812", d), testNow)
		var fe *FieldError
		if !errors.As(err, &fe) || fe.Field != "expiry_date" {
			t.Errorf("expiry %s: err = %v, want a FieldError naming expiry_date", d, err)
		}
		_, err = ParseAt(td3With(d, "301231"), testNow)
		if d == "74<812" {
			if err != nil {
				t.Errorf("birth %s (day unknown): %v", d, err)
			}
			continue
		}
		if !errors.As(err, &fe) || fe.Field != "birth_date" {
			t.Errorf("birth %s: err = %v, want a FieldError naming birth_date", d, err)
		}
	}
	m, err := ParseAt(td3With("<<<<<<", "<<<<<<"), testNow)
	if err != nil || m.BirthDate != "" || m.ExpiryDate != "" {
		t.Errorf("unknown dates: %v, %+v", err, m)
	}
}

func TestSuspects(t *testing.T) {
	// ICAO's TD3 specimen with OCR's favourite mistakes.
	for _, tc := range []struct {
		from, to   string
		field      string
		line, col  int
		read, want byte
	}{
		{"C36UTO", "C34UTO", "document_no", 2, 10, 0, 0}, // not a look-alike: no suspect
		{"L898902C3", "L8989O2C3", "document_no", 2, 6, 'O', '0'},
		{"L898902C3", "L898902C36UTO74O8122", "birth_date", 2, 16, 'O', '0'},
		{"7408122F", "74081Z2F", "birth_date", 2, 19, 'Z', '2'},
		{"1204159", "12O4159", "expiry_date", 2, 24, 'O', '0'},
		{"ZE184226B<<<<<1", "ZE1B4226B<<<<<1", "personal_number", 2, 32, 'B', '8'},
	} {
		in := strings.Replace(specimens[0].lines, tc.from, tc.to, 1)
		if tc.from == "L898902C3" && len(tc.to) > 9 {
			in = strings.Replace(specimens[0].lines, "L898902C36UTO7408122", tc.to, 1)
		}
		_, err := ParseAt(in, testNow)
		var ce *CheckDigitError
		if !errors.As(err, &ce) || ce.Field != tc.field {
			t.Errorf("%s: err = %v, want a check digit error naming %s", tc.to, err, tc.field)
			continue
		}
		if tc.read == 0 {
			if ce.Hint() != "" {
				t.Errorf("%s: hint %q, want none", tc.to, ce.Hint())
			}
			continue
		}
		want := Suspect{Line: tc.line, Column: tc.col, Read: tc.read, Maybe: tc.want}
		found := false
		for _, s := range ce.Suspects {
			found = found || s == want
		}
		if !found {
			t.Errorf("%s: suspects %+v, want %+v among them", tc.to, ce.Suspects, want)
		}
		if !strings.Contains(ce.Hint(), fmt.Sprintf("line %d, column %d", tc.line, tc.col)) {
			t.Errorf("%s: hint %q does not name the position", tc.to, ce.Hint())
		}
		// The error itself names the field and position, never a value.
		if strings.Contains(err.Error(), "L898") || strings.Contains(err.Error(), "ERIKSSON") {
			t.Errorf("error repeats zone content: %q", err)
		}
	}
}

func TestAlpha2(t *testing.T) {
	for code, want := range map[string]string{
		"DEU": "DE", "D": "DE", "NLD": "NL", "GBR": "GB", "GBD": "GB", "GBN": "GB", "GBO": "GB",
		"GBP": "GB", "GBS": "GB", "USA": "US", "FRA": "FR", "UKR": "UA", "CHE": "CH", "TWN": "TW",
	} {
		got, err := Alpha2(code)
		if err != nil || got != want {
			t.Errorf("Alpha2(%q) = %q, %v; want %q", code, got, err, want)
		}
	}
	for _, code := range []string{"UTO", "XXA", "XXB", "XXC", "XXX", "UNO", "UNA", "UNK", "EUE", "XPO", "XOM", "RKS",
		"QQQ", "ZZZ", "EU", "DE", "", "DEUX", "BUR", "de"} {
		var e *NoAlpha2Error
		if got, err := Alpha2(code); !errors.As(err, &e) {
			t.Errorf("Alpha2(%q) = %q, %v; want a *NoAlpha2Error", code, got, err)
		}
	}
}

func TestLongDocumentNumber(t *testing.T) {
	// Part 5 and Part 6: a number over nine characters puts '<' in the check digit position
	// and goes on in the optional data, followed by its check digit.
	number := "D23145890AB12"
	cd := string(mustCheck(number))
	l1 := "I<UTO" + number[:9] + "<" + number[9:] + cd + "<<<<<<<<<<"
	l2 := "7408122F1204159UTO<<<<<<<<<<<"
	l2 += string(mustCheck(l1[5:30] + l2[0:7] + l2[8:15] + l2[18:29]))
	td1 := l1 + "\n" + l2 + "\nERIKSSON<<ANNA<MARIA<<<<<<<<<<"
	m, err := ParseAt(td1, testNow)
	if err != nil || m.DocumentNumber != number || m.OptionalData != "" {
		t.Fatalf("TD1: %v, %+v", err, m)
	}
	td2l2 := number[:9] + "<UTO7408122F1204159" + number[9:] + cd + "<<"
	td2l2 += string(mustCheck(td2l2[0:10] + td2l2[13:20] + td2l2[21:35]))
	m, err = ParseAt("I<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<\n"+td2l2, testNow)
	if err != nil || m.DocumentNumber != number {
		t.Fatalf("TD2: %v, %+v", err, m)
	}
	// The tail's check digit is checked too.
	bad := strings.Replace(td1, number[9:]+cd, number[9:]+string('0'+(cd[0]-'0'+1)%10), 1)
	if _, err := ParseAt(bad, testNow); errField(err) != "document_no" {
		t.Errorf("bad long number check digit: %v", err)
	}
	// A filler in the check digit position with nothing after it is refused.
	if _, err := ParseAt(strings.Replace(td1, number[9:]+cd, "<<<<<", 1), testNow); errField(err) != "document_no" {
		t.Errorf("no continuation: %v", err)
	}
}
