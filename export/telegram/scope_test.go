package telegram

import (
	"errors"
	"slices"
	"testing"
)

func TestScopeApply(t *testing.T) {
	s, err := ParseScope([]byte(`{"data":[{"type":"personal_details"},
		{"one_of":[{"type":"identity_card"},{"type":"driver_license"}],"selfie":true},
		{"type":"utility_bill","translation":true},"email"],"v":1}`))
	if err != nil {
		t.Fatal(err)
	}
	docs := sampleDocuments()
	send, unused, err := s.Apply(docs)
	if err != nil {
		t.Fatal(err)
	}
	var types []string
	for _, d := range send {
		types = append(types, d.Type)
	}
	if want := []string{"personal_details", "driver_license", "utility_bill", "email"}; !slices.Equal(types, want) {
		t.Errorf("sends %v, want %v", types, want)
	}
	if !slices.Equal(unused, []int{3, 4}) {
		t.Errorf("unused %v, want [3 4] (address, phone_number)", unused)
	}
	if _, ok := send[0].Fields["first_name_native"]; ok {
		t.Error("native names sent without native_names")
	}
	var roles []string
	for _, a := range send[1].Files {
		roles = append(roles, a.Role)
	}
	if want := []string{"front_side", "reverse_side", "selfie"}; !slices.Equal(roles, want) {
		t.Errorf("driver_license roles %v, want %v (no translation asked)", roles, want)
	}
	if len(send[2].Files) != 2 {
		t.Errorf("utility_bill sends %d files, want 2", len(send[2].Files))
	}
}

func TestScopeMissing(t *testing.T) {
	s, err := ParseScope([]byte(`{"data":[{"one_of":[{"type":"passport"},{"type":"internal_passport"}]},{"type":"email"}],"v":1}`))
	if err != nil {
		t.Fatal(err)
	}
	_, _, err = s.Apply(sampleDocuments())
	var m *MissingError
	if !errors.As(err, &m) || len(m.Missing) != 1 || m.Missing[0].String() != "passport or internal_passport" {
		t.Fatalf("err = %v, want passport or internal_passport missing", err)
	}
}

func TestParseScopeRejects(t *testing.T) {
	for _, in := range []string{
		``, `[]`, `{"data":[]}`, `{"data":[{"type":"diploma"}]}`, `{"data":[{}]}`,
		`{"data":[{"type":"passport","one_of":[{"type":"passport"}]}]}`, `{"data":["email","email"]}`,
		`{"data":[7]}`,
	} {
		_, err := ParseScope([]byte(in))
		var rej *RejectedError
		if !errors.As(err, &rej) || rej.Reason != ReasonMalformed {
			t.Errorf("%s: %v, want malformed", in, err)
		}
	}
}
