package schema

import (
	"strings"
	"testing"
)

func TestRoleParse(t *testing.T) {
	tests := []struct {
		in        string
		want      RoleRef
		wantErr   bool
		addWant   RoleRef // what ParseRoleForAdd gives
		addErr    bool
		addDiffer bool // ParseRoleForAdd differs from ParseRole
	}{
		{in: "front_side", want: RoleRef{"front_side", 0}},
		{in: "reverse_side", want: RoleRef{"reverse_side", 0}},
		{in: "selfie", want: RoleRef{"selfie", 0}},
		{in: "file/1", want: RoleRef{"file", 1}},
		{in: "file/2", want: RoleRef{"file", 2}},
		{in: "translation/3", want: RoleRef{"translation", 3}},
		{in: "translation/9999", want: RoleRef{"translation", 9999}},
		{in: "file", wantErr: true, addWant: RoleRef{"file", 0}, addDiffer: true},
		{in: "translation", wantErr: true, addWant: RoleRef{"translation", 0}, addDiffer: true},
		{in: "file/0", wantErr: true, addErr: true},
		{in: "file/01", wantErr: true, addErr: true},
		{in: "file/+1", wantErr: true, addErr: true},
		{in: "file/-1", wantErr: true, addErr: true},
		{in: "file/x", wantErr: true, addErr: true},
		{in: "file/", wantErr: true, addErr: true},
		{in: "file/1/2", wantErr: true, addErr: true},
		{in: "file/ 1", wantErr: true, addErr: true},
		{in: "file/10000", wantErr: true, addErr: true},
		{in: "file/99999999999999999999", wantErr: true, addErr: true},
		{in: "file/١", wantErr: true, addErr: true}, // Arabic-Indic one
		{in: "selfie/1", wantErr: true, addErr: true},
		{in: "front_side/0", wantErr: true, addErr: true},
		{in: "Front_Side", wantErr: true, addErr: true},
		{in: " selfie", wantErr: true, addErr: true},
		{in: "files/1", wantErr: true, addErr: true},
		{in: "back_side", wantErr: true, addErr: true},
		{in: "/1", wantErr: true, addErr: true},
		{in: "", wantErr: true, addErr: true},
	}
	for _, tt := range tests {
		got, err := ParseRole(tt.in)
		if tt.wantErr {
			if err == nil {
				t.Errorf("ParseRole(%q) = %v, want error", tt.in, got)
			} else {
				invalidInput(t, err, "role")
			}
		} else if err != nil || got != tt.want {
			t.Errorf("ParseRole(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
		} else if got.String() != tt.in {
			t.Errorf("ParseRole(%q).String() = %q", tt.in, got.String())
		}

		add, err := ParseRoleForAdd(tt.in)
		addWant, addErr := tt.want, tt.wantErr
		if tt.addDiffer || tt.addErr {
			addWant, addErr = tt.addWant, tt.addErr
		}
		if addErr {
			if err == nil {
				t.Errorf("ParseRoleForAdd(%q) = %v, want error", tt.in, add)
			} else {
				invalidInput(t, err, "role")
			}
		} else if err != nil || add != addWant {
			t.Errorf("ParseRoleForAdd(%q) = %v, %v; want %v", tt.in, add, err, addWant)
		} else if add.String() != tt.in {
			t.Errorf("ParseRoleForAdd(%q).String() = %q", tt.in, add.String())
		}
	}
}

func TestRoleCheck(t *testing.T) {
	identity := []string{"front_side", "selfie", "translation/1", "translation"}
	card := append([]string{"reverse_side"}, identity...)
	proof := []string{"file/1", "file", "translation/1", "translation"}
	ok := map[string][]string{
		"personal_details":       nil,
		"passport":               identity,
		"internal_passport":      identity,
		"identity_card":          card,
		"driver_license":         card,
		"address":                nil,
		"utility_bill":           proof,
		"bank_statement":         proof,
		"rental_agreement":       proof,
		"passport_registration":  proof,
		"temporary_registration": proof,
		"phone_number":           nil,
		"email":                  nil,
	}
	all := []string{"front_side", "reverse_side", "selfie", "file/1", "file", "translation/1", "translation"}
	for _, typ := range TypeNames() {
		ts := mustType(t, typ)
		allowed := map[string]bool{}
		for _, s := range ok[typ] {
			allowed[s] = true
		}
		for _, s := range all {
			r, err := ParseRoleForAdd(s)
			if err != nil {
				t.Fatal(err)
			}
			err = ts.CheckRole(r)
			if allowed[s] {
				if err != nil {
					t.Errorf("%s.CheckRole(%s): %v", typ, s, err)
				}
				continue
			}
			if err == nil {
				t.Errorf("%s.CheckRole(%s) accepted", typ, s)
				continue
			}
			ie := invalidInput(t, err, "role")
			if len(ts.Roles) == 0 {
				if !strings.Contains(ie.Reason, "no attachments") {
					t.Errorf("%s.CheckRole(%s): reason %q", typ, s, ie.Reason)
				}
				continue
			}
			for _, rs := range ts.Roles {
				if !strings.Contains(ie.Reason, rs.Name) {
					t.Errorf("%s.CheckRole(%s): reason %q does not list %s", typ, s, ie.Reason, rs.Name)
				}
			}
		}
	}
}

func TestRoleCheckIndex(t *testing.T) {
	tests := []struct {
		typ string
		ref RoleRef
		ok  bool
	}{
		{"passport", RoleRef{"selfie", 0}, true},
		{"passport", RoleRef{"selfie", 1}, false}, // single roles have no position
		{"identity_card", RoleRef{"reverse_side", -1}, false},
		{"passport", RoleRef{"translation", 0}, true}, // append
		{"passport", RoleRef{"translation", 9999}, true},
		{"passport", RoleRef{"translation", 10000}, false},
		{"utility_bill", RoleRef{"file", -1}, false},
		{"utility_bill", RoleRef{"", 0}, false},
		{"utility_bill", RoleRef{"File", 1}, false},
	}
	for _, tt := range tests {
		err := mustType(t, tt.typ).CheckRole(tt.ref)
		if tt.ok != (err == nil) {
			t.Errorf("%s.CheckRole(%#v) = %v, want ok=%v", tt.typ, tt.ref, err, tt.ok)
		}
		if err != nil {
			invalidInput(t, err, "role")
		}
	}
}

func TestRoleString(t *testing.T) {
	for ref, want := range map[RoleRef]string{
		{"selfie", 0}:       "selfie",
		{"file", 0}:         "file",
		{"file", 7}:         "file/7",
		{"translation", 12}: "translation/12",
	} {
		if got := ref.String(); got != want {
			t.Errorf("%#v.String() = %q, want %q", ref, got, want)
		}
	}
}

// TestRoleKnownRolesMatchSchema keeps the parser's role list and the types' roles in step: a
// role a type has must parse, and every parseable role must belong to some type.
func TestRoleKnownRolesMatchSchema(t *testing.T) {
	used := map[RoleSpec]bool{}
	for _, typ := range TypeNames() {
		for _, r := range mustType(t, typ).Roles {
			used[r] = true
			if got, ok := roleSpec(r.Name); !ok || got != r {
				t.Errorf("%s role %v: roleSpec = %v, %v", typ, r, got, ok)
			}
		}
	}
	if len(used) != len(knownRoles) {
		t.Errorf("types use %d roles, the parser knows %d", len(used), len(knownRoles))
	}
}

// FuzzParseRole checks that parsing never panics, that an accepted address has one spelling
// (String gives the input back), and that ParseRoleForAdd accepts everything ParseRole does.
func FuzzParseRole(f *testing.F) {
	f.Fuzz(func(t *testing.T, s string) {
		r, err := ParseRole(s)
		add, addErr := ParseRoleForAdd(s)
		if err == nil {
			if r.String() != s {
				t.Fatalf("ParseRole(%q).String() = %q", s, r.String())
			}
			if addErr != nil || add != r {
				t.Fatalf("ParseRoleForAdd(%q) = %v, %v; ParseRole gave %v", s, add, addErr, r)
			}
		}
		if addErr != nil {
			if _, ok := addErr.(*InvalidInputError); !ok {
				t.Fatalf("error %v is %T", addErr, addErr)
			}
			return
		}
		if add.String() != s {
			t.Fatalf("ParseRoleForAdd(%q).String() = %q", s, add.String())
		}
		if add.Index < 0 || add.Index > maxRoleIndex {
			t.Fatalf("ParseRoleForAdd(%q) index %d", s, add.Index)
		}
		// Some type must have the role, or the parser knows a role no document can hold.
		held := false
		for _, typ := range TypeNames() {
			ts, _ := LookupType(typ)
			held = held || ts.CheckRole(add) == nil
		}
		if !held {
			t.Fatalf("%v parses but no type accepts it", add)
		}
	})
}
