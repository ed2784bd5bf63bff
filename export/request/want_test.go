package request

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

func TestParseWants(t *testing.T) {
	none := []string{}
	front := []string{"front_side"}
	tests := []struct {
		name  string
		specs []string
		want  []Element
		err   string // reason; "" when accepted
	}{
		{"one type", []string{"passport"}, []Element{{Type: "passport"}}, ""},
		{"one_of with flags", []string{"passport|identity_card|driver_license:selfie,translation"},
			[]Element{{OneOf: []string{"passport", "identity_card", "driver_license"}, Selfie: true, Translation: true}}, ""},
		{"alias and max_age", []string{"address_document:max_age=90"},
			[]Element{{OneOf: telegramAliases["address_document"], MaxAge: 90}}, ""},
		{"fields and scans", []string{"passport:fields=document_no+expiry_date,scans=front_side"},
			[]Element{{Type: "passport", Fields: []string{"document_no", "expiry_date"}, Scans: &front}}, ""},
		{"scans none, optional", []string{"identity_card:scans=none,optional"},
			[]Element{{Type: "identity_card", Scans: &none, Optional: true}}, ""},
		{"native names", []string{"personal_details:native_names", "email"},
			[]Element{{Type: "personal_details", NativeNames: true}, {Type: "email"}}, ""},
		{"unknown type", []string{"passprot"}, nil, ReasonScope},
		{"empty type", []string{"passport||identity_card"}, nil, ReasonScope},
		{"unknown option", []string{"passport:blurry"}, nil, ReasonScope},
		{"option twice", []string{"passport:selfie,selfie"}, nil, ReasonScope},
		{"flag with value", []string{"passport:selfie=yes"}, nil, ReasonScope},
		{"max_age zero", []string{"utility_bill:max_age=0"}, nil, ReasonScope},
		{"max_age padded", []string{"utility_bill:max_age=090"}, nil, ReasonScope},
		{"max_age on passport", []string{"passport:max_age=9"}, nil, ReasonScope},
		{"empty fields", []string{"passport:fields="}, nil, ReasonScope},
		{"empty scans", []string{"passport:scans="}, nil, ReasonScope},
		{"unknown field", []string{"passport:fields=shoe_size"}, nil, ReasonScope},
		{"selfie on a bill", []string{"utility_bill:selfie"}, nil, ReasonScope},
		{"type in two elements", []string{"passport", "id_document"}, nil, ReasonScope},
		{"no wants", nil, nil, ReasonScope},
		{"too long", []string{"passport:fields=" + strings.Repeat("a", MaxWantSize)}, nil, ReasonTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := ParseWants(tt.specs)
			if tt.err != "" {
				var re *RejectedError
				if !errors.As(err, &re) || re.Reason != tt.err {
					t.Fatalf("err = %v, want reason %s", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(s.Elements, tt.want) {
				t.Fatalf("got %+v, want %+v", s.Elements, tt.want)
			}
		})
	}
}

// The compact form and the two scope files say the same thing.
func TestParseScopeInputAgreesWithWants(t *testing.T) {
	native := []byte(`{"elements":[{"type":"personal_details","native_names":true},{"one_of":["passport","identity_card"],"selfie":true,"translation":true}]}`)
	tg := []byte(`{"v":1,"data":[{"type":"personal_details","native_names":true},{"one_of":["passport",{"type":"identity_card"}],"selfie":true,"translation":true}]}`)
	want, err := ParseWants([]string{"personal_details:native_names", "passport|identity_card:selfie,translation"})
	if err != nil {
		t.Fatal(err)
	}
	for kind, data := range map[string][]byte{ScopeNative: native, ScopeTelegram: tg} {
		s, got, err := ParseScopeInput(data)
		if err != nil || got != kind {
			t.Fatalf("%s: kind %q, err %v", kind, got, err)
		}
		if !reflect.DeepEqual(s, want) {
			t.Fatalf("%s: %+v, want %+v", kind, s, want)
		}
	}
	for _, bad := range []string{`[]`, `{}`, `{"elements":[],"v":1}`, `not json`} {
		if _, _, err := ParseScopeInput([]byte(bad)); err == nil {
			t.Errorf("%s: accepted", bad)
		} else {
			checkRejection(t, err)
		}
	}
}

func FuzzParseWant(f *testing.F) {
	f.Add([]byte("passport|identity_card:selfie,translation"))
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := ParseWants(strings.Split(string(data), "\n"))
		if err != nil {
			checkRejection(t, err)
			return
		}
		// Accepted: a valid native scope that survives its own encoding.
		again, err := encodeCanonical(s)
		if err != nil {
			t.Fatal(err)
		}
		if s2, err := ParseScope(again); err != nil || !reflect.DeepEqual(s, s2) {
			t.Fatalf("want scope does not round-trip: %v", err)
		}
	})
}
