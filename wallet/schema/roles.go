package schema

import (
	"strconv"
	"strings"
)

// maxRoleIndex caps N in file/N and translation/N. Four digits are far more than any document
// has pages, and the cap keeps N well inside int on every platform.
const maxRoleIndex = 9999

// reasonRole lists every address form; the CLI shows it when a role does not parse.
const reasonRole = "not an attachment role (want front_side, reverse_side, selfie, file/N or translation/N, N from 1)"

// knownRoles are all roles of all types, by name: addresses parse the same for every type,
// and [TypeSpec.CheckRole] then says whether the type has the role.
var knownRoles = []RoleSpec{roleFrontSide, roleReverseSide, roleSelfie, roleFile, roleTranslation}

// RoleRef addresses one attachment of a document as the CLI writes it: "front_side",
// "reverse_side", "selfie", "file/N", "translation/N". Index is 0 for single roles and N (from 1)
// for list roles; [ParseRoleForAdd] also gives Index 0 for a list role, meaning "append".
type RoleRef struct {
	Name  string
	Index int
}

// ParseRole parses an attachment address that names one existing attachment: a single role,
// or a list role with its position ("file/2"). A list role without /N is rejected, since it
// does not say which file; N has no sign, no leading zeros and is at most 9999, so every
// accepted address has exactly one spelling ([RoleRef.String] gives it back).
func ParseRole(s string) (RoleRef, error) {
	r, err := ParseRoleForAdd(s)
	if err != nil {
		return RoleRef{}, err
	}
	if spec, _ := roleSpec(r.Name); spec.List && r.Index == 0 {
		return RoleRef{}, &InvalidInputError{Field: "role", Reason: "a list role needs a position (want file/N or translation/N, N from 1)"}
	}
	return r, nil
}

// ParseRoleForAdd is [ParseRole] for adding an attachment: a list role without /N ("file",
// "translation") is accepted with Index 0 and means "append after the last one".
func ParseRoleForAdd(s string) (RoleRef, error) {
	name, num, hasNum := strings.Cut(s, "/")
	spec, ok := roleSpec(name)
	if !ok {
		return RoleRef{}, &InvalidInputError{Field: "role", Reason: reasonRole}
	}
	if !hasNum {
		return RoleRef{Name: name}, nil
	}
	if !spec.List {
		return RoleRef{}, &InvalidInputError{Field: "role", Reason: "a single role takes no position (want front_side, reverse_side or selfie without /N)"}
	}
	// Length first: parseDigits does not guard against overflow.
	if num == "" || len(num) > len(strconv.Itoa(maxRoleIndex)) || num[0] == '0' || parseDigits(num) < 1 {
		return RoleRef{}, &InvalidInputError{Field: "role", Reason: "bad position (want file/N or translation/N, N from 1 to 9999)"}
	}
	return RoleRef{Name: name, Index: parseDigits(num)}, nil
}

// String returns the address as the CLI writes it: "selfie", "file/2", or "file" for an
// append reference.
func (r RoleRef) String() string {
	if r.Index == 0 {
		return r.Name
	}
	return r.Name + "/" + strconv.Itoa(r.Index)
}

// CheckRole reports whether documents of this type can hold the attachment r: the type has
// the role, a single role has Index 0, and a list role has Index 0 (append) or a position
// from 1 to 9999. The error lists the type's roles.
func (t *TypeSpec) CheckRole(r RoleRef) error {
	spec, ok := t.Role(r.Name)
	if !ok {
		if len(t.Roles) == 0 {
			return &InvalidInputError{Field: "role", Reason: t.Name + " has no attachments"}
		}
		return &InvalidInputError{Field: "role", Reason: "not an attachment of " + t.Name + " (want " + t.roleList() + ")"}
	}
	switch {
	case !spec.List && r.Index != 0:
		return &InvalidInputError{Field: "role", Reason: "a single role takes no position (want " + spec.Name + ")"}
	case spec.List && (r.Index < 0 || r.Index > maxRoleIndex):
		return &InvalidInputError{Field: "role", Reason: "bad position (want " + spec.Name + "/N, N from 1 to 9999)"}
	}
	return nil
}

// roleList describes the type's roles for messages: "front_side, selfie, translation/N".
func (t *TypeSpec) roleList() string {
	parts := make([]string, len(t.Roles))
	for i, r := range t.Roles {
		parts[i] = r.Name
		if r.List {
			parts[i] += "/N"
		}
	}
	return strings.Join(parts, ", ")
}

// roleSpec finds a role by name among all roles of all types.
func roleSpec(name string) (RoleSpec, bool) {
	for _, r := range knownRoles {
		if r.Name == name {
			return r, true
		}
	}
	return RoleSpec{}, false
}
