package request

import (
	"strings"
	"testing"
	"time"

	"github.com/paspor/paspor/export"
)

// answerManifest is the bundle a holder with testDocs makes for newTestRequest's scope.
func answerManifest(r *Request) *export.Manifest {
	hash := strings.Repeat("ab", 32)
	return &export.Manifest{
		Format: export.Format, BundleID: strings.Repeat("cd", 16),
		CreatedAt: r.CreatedAt.Add(time.Hour), ExpiresAt: r.CreatedAt.Add(48 * time.Hour),
		Holder: keyLine(testKey(2)), Audience: []string{testRecipient}, Nonce: r.Nonce, Purpose: r.Purpose, RequestID: r.RequestID,
		Documents: []export.Document{
			{ID: "pd", Type: "personal_details", Fields: map[string]string{
				"first_name": "Ann", "last_name": "Lee", "birth_date": "1990-01-02", "gender": "female",
				"country_code": "DE", "residence_country_code": "DE"}},
			{ID: "pp", Type: "passport", Fields: map[string]string{"document_no": "X1"}, Files: []export.File{
				{Role: "front_side", Path: "files/pp/front_side.jpg", MediaType: "image/jpeg", Size: 1, SHA256: hash},
				{Role: "selfie", Path: "files/pp/selfie.jpg", MediaType: "image/jpeg", Size: 1, SHA256: hash}}},
		},
	}
}

func TestCheckManifest(t *testing.T) {
	r := newTestRequest(t)
	if err := CheckManifest(r, answerManifest(r), false); err != nil {
		t.Fatalf("the exact answer: %v", err)
	}
	bill := export.Document{ID: "bill", Type: "utility_bill", Fields: map[string]string{"issue_date": "2026-10-01"},
		Files: []export.File{{Role: "file/1", Path: "files/bill/file-1.pdf", MediaType: "application/pdf", Size: 1, SHA256: strings.Repeat("ef", 32)}}}
	cases := []struct {
		name      string
		requestID string
		edit      func(m *export.Manifest)
		partial   bool
		reason    string
	}{
		{"with the optional element", r.RequestID, func(m *export.Manifest) { m.Documents = append(m.Documents, bill) }, false, ""},
		{"other request", strings.Repeat("0", 32), func(*export.Manifest) {}, false, ReasonRequestID},
		{"no request ID", "", func(*export.Manifest) {}, false, ReasonRequestID},
		{"other nonce", r.RequestID, func(m *export.Manifest) { m.Nonce = strings.Repeat("1", 32) }, false, ReasonNonce},
		{"no nonce", r.RequestID, func(m *export.Manifest) { m.Nonce = "" }, false, ReasonNonce},
		{"extra reader", r.RequestID, func(m *export.Manifest) {
			m.Audience = append(m.Audience, "age1lggyhqrw2nlhcxprm67z43rta597azn8gknawjehu9d9dl0jq3yqqvfafg")
		}, false, ReasonAudience},
		{"made after expiry", r.RequestID, func(m *export.Manifest) { m.CreatedAt = r.ExpiresAt }, false, ReasonLate},
		{"missing mandatory element", r.RequestID, func(m *export.Manifest) { m.Documents = m.Documents[:1] }, false, ReasonMissing},
		{"missing element, partial", r.RequestID, func(m *export.Manifest) { m.Documents = m.Documents[:1] }, true, ""},
		{"missing selfie", r.RequestID, func(m *export.Manifest) { m.Documents[1].Files = m.Documents[1].Files[:1] }, false, ReasonMissing},
		{"missing mandatory field", r.RequestID, func(m *export.Manifest) { delete(m.Documents[0].Fields, "gender") }, false, ReasonMissing},
		{"optional field may go", r.RequestID, func(m *export.Manifest) { m.Documents[1].Fields["expiry_date"] = "2030-01-01" }, false, ""},
		{"extra document", r.RequestID, func(m *export.Manifest) {
			m.Documents = append(m.Documents, export.Document{ID: "e", Type: "email", Fields: map[string]string{"email": "a@b.c"}})
		}, false, ReasonExtra},
		{"extra document, partial", r.RequestID, func(m *export.Manifest) {
			m.Documents = append(m.Documents, export.Document{ID: "e", Type: "email", Fields: map[string]string{"email": "a@b.c"}})
		}, true, ReasonExtra},
		{"two answers to one_of", r.RequestID, func(m *export.Manifest) {
			m.Documents = append(m.Documents, export.Document{ID: "id", Type: "identity_card", Fields: map[string]string{"document_no": "Y"}})
		}, false, ReasonExtra},
		{"native name not asked", r.RequestID, func(m *export.Manifest) { m.Documents[0].Fields["first_name_native"] = "A" }, false, ReasonExtra},
		{"translation not asked", r.RequestID, func(m *export.Manifest) {
			m.Documents[1].Files = append(m.Documents[1].Files, export.File{Role: "translation/1"})
		}, false, ReasonExtra},
		{"stale proof", r.RequestID, func(m *export.Manifest) {
			b := bill
			b.Fields = map[string]string{"issue_date": "2026-01-01"}
			m.Documents = append(m.Documents, b)
		}, false, ReasonStale}, // optional, but what is sent must be fresh
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m := answerManifest(r)
			m.RequestID = c.requestID
			c.edit(m)
			err := CheckManifest(r, m, c.partial)
			if c.reason == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			wantReason(t, err, c.reason)
		})
	}
}

func TestCheckManifestStale(t *testing.T) {
	r := newTestRequest(t)
	r.Scope.Elements[2].Optional = false
	m := answerManifest(r)
	m.Documents = append(m.Documents, export.Document{ID: "bill", Type: "utility_bill",
		Fields: map[string]string{"issue_date": "2026-01-01"},
		Files:  []export.File{{Role: "file/1"}}})
	wantReason(t, CheckManifest(r, m, false), ReasonStale)
	wantReason(t, CheckManifest(r, m, true), ReasonStale)
	m.Documents[2].Fields["issue_date"] = "2026-10-01"
	if err := CheckManifest(r, m, false); err != nil {
		t.Fatal(err)
	}
}
