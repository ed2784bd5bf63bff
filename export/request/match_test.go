package request

import (
	"reflect"
	"testing"
)

func testDocs() []Document {
	return []Document{
		{ID: "pd", Type: "personal_details", Fields: map[string]string{
			"first_name": "Ann", "last_name": "Lee", "birth_date": "1990-01-02", "gender": "female",
			"country_code": "DE", "residence_country_code": "DE", "first_name_native": "Anna"}},
		{ID: "pp", Type: "passport", Fields: map[string]string{"document_no": "X1", "expiry_date": "2030-01-01"},
			Scans: []string{"front_side", "selfie", "translation/1"}},
		{ID: "id", Type: "identity_card", Fields: map[string]string{"document_no": "Y2"},
			Scans: []string{"front_side"}},
		{ID: "bill", Type: "utility_bill", Fields: map[string]string{"issue_date": "2026-10-01"},
			Scans: []string{"file/1", "file/2"}},
		{ID: "old", Type: "bank_statement", Fields: map[string]string{"issue_date": "2025-01-01"},
			Scans: []string{"file/1"}},
	}
}

func TestMatch(t *testing.T) {
	m := Match(testScope(), testDocs(), testNow)
	if len(m) != 3 {
		t.Fatalf("%d element matches", len(m))
	}
	pd := m[0].Candidates
	if len(pd) != 1 || !pd[0].Complete() {
		t.Fatalf("personal_details: %+v", pd)
	}
	// native names are not asked for, so first_name_native does not go; middle_name is
	// optional in the schema and absent, so it is neither sent nor missing.
	wantSend := []Item{
		{ItemField, "first_name", true}, {ItemField, "last_name", true}, {ItemField, "birth_date", true},
		{ItemField, "gender", true}, {ItemField, "country_code", true}, {ItemField, "residence_country_code", true},
	}
	if !reflect.DeepEqual(pd[0].Send, wantSend) {
		t.Fatalf("personal_details send %+v", pd[0].Send)
	}

	ids := m[1].Candidates
	if len(ids) != 2 || ids[0].DocumentID != "pp" || ids[1].DocumentID != "id" {
		t.Fatalf("one_of candidates %+v", ids)
	}
	wantPP := []Item{
		{ItemField, "document_no", true}, {ItemField, "expiry_date", false},
		{ItemScan, "front_side", true}, {ItemScan, "selfie", true},
	}
	if !reflect.DeepEqual(ids[0].Send, wantPP) || !ids[0].Complete() {
		t.Fatalf("passport: send %+v missing %+v (translation not asked, so it must not go)", ids[0].Send, ids[0].Missing)
	}
	wantMissing := []Item{{ItemScan, "reverse_side", true}, {ItemScan, "selfie", true}}
	if !reflect.DeepEqual(ids[1].Missing, wantMissing) || !m[1].Satisfied() {
		t.Fatalf("identity card missing %+v", ids[1].Missing)
	}

	// Optional element: nothing mandatory, but the old statement is stale all the same.
	bills := m[2].Candidates
	if len(bills) != 2 || !m[2].Satisfied() || !bills[0].Complete() ||
		!reflect.DeepEqual(bills[1].Missing, []Item{{ItemFreshness, "issue_date", true}}) {
		t.Fatalf("bills %+v", bills)
	}
	if !reflect.DeepEqual(bills[0].Send, []Item{{ItemField, "issue_date", false}, {ItemScan, "file/1", false}, {ItemScan, "file/2", false}}) {
		t.Fatalf("bill send %+v", bills[0].Send)
	}
}

func TestMatchRules(t *testing.T) {
	scans := []string{}
	cases := []struct {
		name        string
		element     Element
		doc         Document
		wantSend    []Item
		wantMissing []Item
	}{
		{"stale proof", Element{Type: "bank_statement", MaxAge: 90},
			Document{ID: "s", Type: "bank_statement", Fields: map[string]string{"issue_date": "2026-09-01"}, Scans: []string{"file/1"}},
			[]Item{{ItemField, "issue_date", true}, {ItemScan, "file/1", true}},
			[]Item{{ItemFreshness, "issue_date", true}}},
		{"fresh on the edge", Element{Type: "bank_statement", MaxAge: 90},
			Document{ID: "s", Type: "bank_statement", Fields: map[string]string{"issue_date": "2026-09-02"}, Scans: []string{"file/1"}},
			[]Item{{ItemField, "issue_date", true}, {ItemScan, "file/1", true}}, nil},
		{"max_age needs issue_date", Element{Type: "bank_statement", MaxAge: 90, Fields: nil},
			Document{ID: "s", Type: "bank_statement", Fields: map[string]string{}, Scans: []string{"file/1"}},
			[]Item{{ItemScan, "file/1", true}}, []Item{{ItemField, "issue_date", true}}},
		{"named fields are mandatory", Element{Type: "passport", Fields: []string{"expiry_date"}, Scans: &scans},
			Document{ID: "p", Type: "passport", Fields: map[string]string{"document_no": "X"}, Scans: []string{"front_side"}},
			nil, []Item{{ItemField, "expiry_date", true}}},
		{"native names", Element{Type: "personal_details", NativeNames: true, Fields: []string{"first_name"}},
			Document{ID: "d", Type: "personal_details", Fields: map[string]string{"first_name": "A"}},
			[]Item{{ItemField, "first_name", true}}, nil},
		{"native names, all fields", Element{Type: "personal_details", NativeNames: true},
			Document{ID: "d", Type: "personal_details", Fields: map[string]string{"first_name": "A", "last_name": "B", "birth_date": "1990-01-01", "gender": "male", "country_code": "DE", "residence_country_code": "DE"}},
			[]Item{{ItemField, "first_name", true}, {ItemField, "last_name", true}, {ItemField, "birth_date", true}, {ItemField, "gender", true}, {ItemField, "country_code", true}, {ItemField, "residence_country_code", true}},
			[]Item{{ItemField, "first_name_native", true}, {ItemField, "last_name_native", true}, {ItemField, "middle_name_native", true}}},
		{"translation asked", Element{Type: "utility_bill", Translation: true},
			Document{ID: "u", Type: "utility_bill", Fields: map[string]string{}, Scans: []string{"file/1"}},
			[]Item{{ItemScan, "file/1", true}}, []Item{{ItemScan, "translation", true}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m := Match(Scope{Elements: []Element{c.element}}, []Document{c.doc}, testNow)
			got := m[0].Candidates[0]
			if !reflect.DeepEqual(got.Send, c.wantSend) || !reflect.DeepEqual(got.Missing, c.wantMissing) {
				t.Fatalf("send %+v\nmissing %+v", got.Send, got.Missing)
			}
		})
	}
	// No document of the type: no candidates, not satisfied unless optional.
	m := Match(Scope{Elements: []Element{{Type: "email"}, {Type: "phone_number", Optional: true}}}, testDocs(), testNow)
	if len(m[0].Candidates) != 0 || m[0].Satisfied() || !m[1].Satisfied() {
		t.Fatalf("%+v", m)
	}
}
