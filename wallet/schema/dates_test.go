package schema

import (
	"errors"
	"testing"
	"time"
)

func TestCheckDates(t *testing.T) {
	now := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		typ       string
		fields    map[string]string
		wantField string // "" for no error
	}{
		{"personal_details", map[string]string{"birth_date": "1985-12-10"}, ""},
		{"personal_details", map[string]string{"birth_date": "2026-12-01"}, ""},
		{"personal_details", map[string]string{"birth_date": "2026-12-02"}, ""}, // a day of slack
		{"personal_details", map[string]string{"birth_date": "2026-12-03"}, "birth_date"},
		{"personal_details", map[string]string{"birth_date": "2999-01-01"}, "birth_date"},
		{"personal_details", map[string]string{}, ""},
		{"passport", map[string]string{"issue_date": "2021-05-01", "expiry_date": "2031-05-01"}, ""},
		{"passport", map[string]string{"issue_date": "2021-05-01", "expiry_date": "2021-05-01"}, ""},
		{"passport", map[string]string{"issue_date": "2021-05-02", "expiry_date": "2021-05-01"}, "expiry_date"},
		{"passport", map[string]string{"issue_date": "2031-05-01"}, ""},
		{"passport", map[string]string{"expiry_date": "2001-05-01"}, ""}, // expired is allowed
		{"driver_license", map[string]string{"issue_date": "2030-01-01", "expiry_date": "2020-01-01"}, "expiry_date"},
		{"utility_bill", map[string]string{"issue_date": "2999-01-01"}, ""},
	}
	for _, tt := range tests {
		spec, err := LookupType(tt.typ)
		if err != nil {
			t.Fatal(err)
		}
		err = spec.CheckDates(tt.fields, now)
		var inv *InvalidInputError
		switch {
		case tt.wantField == "" && err != nil:
			t.Errorf("%s %v: unexpected error %v", tt.typ, tt.fields, err)
		case tt.wantField != "" && !errors.As(err, &inv):
			t.Errorf("%s %v: got %v, want an InvalidInputError for %s", tt.typ, tt.fields, err, tt.wantField)
		case tt.wantField != "" && inv.Field != tt.wantField:
			t.Errorf("%s %v: error for %q, want %q", tt.typ, tt.fields, inv.Field, tt.wantField)
		}
	}
}
