package request

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"filippo.io/age"

	"github.com/paspor/paspor/crypto"
	"github.com/paspor/paspor/export"
)

// TestExchange runs the library half of the whole exchange with real bundles: the partner's
// request from a Telegram scope, the holder's match and share through export.Write, the
// partner's export.Open, CheckManifest and replay store, feedback back to the holder, and a
// replayed bundle refused.
func TestExchange(t *testing.T) {
	partnerSign := testKey(1)
	holderSign := testKey(2)
	idFile, recipient, err := crypto.GeneratePartnerIdentity(false)
	if err != nil {
		t.Fatal(err)
	}
	identities, err := crypto.ParseIdentityFile(idFile)
	if err != nil {
		t.Fatal(err)
	}

	// Partner: the request.
	scope, err := ParseTelegramScope([]byte(`{"v":1,"data":[{"type":"id_document","selfie":true},"email"]}`))
	if err != nil {
		t.Fatal(err)
	}
	req, err := New(NewOptions{Partner: "Example Bank", Purpose: "account opening", Recipients: []string{recipient},
		SigningKey: pubOf(partnerSign), Scope: scope, Now: testNow})
	if err != nil {
		t.Fatal(err)
	}
	reqFile, err := Sign(req, partnerSign)
	if err != nil {
		t.Fatal(err)
	}

	// Holder: parse, match, pick, share.
	holderNow := testNow.Add(time.Hour)
	got, err := Parse(bytes.NewReader(reqFile), ParseOptions{Now: holderNow})
	if err != nil {
		t.Fatal(err)
	}
	scans := map[string][]byte{"front_side": []byte("\xff\xd8\xff front"), "selfie": []byte("\xff\xd8\xff selfie")}
	wallet := []Document{
		{ID: "pp1", Type: "passport", Fields: map[string]string{"document_no": "X1", "issue_date": "2020-01-01"}, Scans: []string{"front_side", "selfie"}},
		{ID: "e1", Type: "email", Fields: map[string]string{"email": "ann@example.org"}},
		{ID: "bill", Type: "utility_bill", Fields: map[string]string{"issue_date": "2026-11-01"}, Scans: []string{"file/1"}},
	}
	var docs []export.Document
	var contents [][]byte
	for _, m := range Match(got.Scope, wallet, holderNow) {
		if !m.Satisfied() {
			t.Fatalf("element %v not satisfied", m.Element.Types())
		}
		c := m.Candidates[0]
		fields, roles := c.Selection()
		src := wallet[slices.IndexFunc(wallet, func(d Document) bool { return d.ID == c.DocumentID })]
		d := export.Document{ID: src.ID, Type: src.Type, Fields: map[string]string{}}
		for _, f := range fields {
			d.Fields[f] = src.Fields[f]
		}
		for _, role := range roles {
			sum := sha256.Sum256(scans[role])
			d.Files = append(d.Files, export.File{Role: role, MediaType: "image/jpeg", Size: int64(len(scans[role])), SHA256: hex.EncodeToString(sum[:])})
			contents = append(contents, scans[role])
		}
		docs = append(docs, d)
	}
	recipients, err := export.ParseRecipients(got.Recipients)
	if err != nil {
		t.Fatal(err)
	}
	share := func() []byte {
		var bundle bytes.Buffer
		i := 0
		open := func(d, f int) (io.ReadCloser, error) { i++; return io.NopCloser(bytes.NewReader(contents[i-1])), nil }
		if _, err := export.Write(&bundle, docs, open, export.WriteOptions{Recipients: recipients, Nonce: got.Nonce,
			Purpose: got.Purpose, RequestID: got.RequestID, Now: holderNow, TTL: 24 * time.Hour, Signer: holderSign}); err != nil {
			t.Fatal(err)
		}
		return bundle.Bytes()
	}
	bundle := share()

	// Partner: open, check against the request, record.
	partnerNow := holderNow.Add(time.Hour)
	store := NewReplayStore(filepath.Join(t.TempDir(), "replay.json"))
	receive := func(bundle []byte) (*export.Manifest, error) {
		res, err := export.Open(bytes.NewReader(bundle), export.OpenOptions{Identities: identities, Nonce: req.Nonce, Now: partnerNow})
		if err != nil {
			t.Fatal(err)
		}
		m := res.Manifest
		if err := CheckManifest(req, m, false); err != nil {
			return nil, err
		}
		return m, store.Record(ReplayEntry{RequestID: req.RequestID, Nonce: m.Nonce, BundleID: m.BundleID,
			SeenAt: partnerNow, ExpiresAt: m.ExpiresAt}, partnerNow)
	}
	m, err := receive(bundle)
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Documents) != 2 || len(m.Documents[0].Fields) != 2 || len(m.Documents[0].Files) != 2 {
		t.Fatalf("shared %+v", m.Documents)
	}
	_, err = receive(bundle)
	wantReason(t, err, ReasonReplay)
	_, err = receive(share()) // a second bundle for the same request
	wantReason(t, err, ReasonReplay)

	// Partner: feedback on the selfie, to the holder key of the bundle.
	fid, err := NewFeedbackID()
	if err != nil {
		t.Fatal(err)
	}
	selfie := m.Documents[0].Files[slices.IndexFunc(m.Documents[0].Files, func(f export.File) bool { return f.Role == "selfie" })]
	fb := &Feedback{Format: FeedbackFormat, FeedbackID: fid, BundleID: m.BundleID, RequestID: req.RequestID,
		CreatedAt: partnerNow, Partner: req.Partner, SigningKey: req.SigningKey, Holder: m.Holder,
		Items: []FeedbackItem{{Source: SourceSelfie, DocumentID: "pp1", Type: "passport", FileHash: selfie.SHA256, Message: "blurred"}}}
	var fbFile bytes.Buffer
	if err := SealFeedback(&fbFile, fb, partnerSign); err != nil {
		t.Fatal(err)
	}

	// Holder: open it, from the partner the bundle went to (the request's key).
	gotFb, err := OpenFeedback(bytes.NewReader(fbFile.Bytes()), FeedbackOptions{
		Identities: []age.Identity{holderIdentity(t, holderSign)}, Holder: pubOf(holderSign),
		Partner: got.SigningPublicKey(), BundleID: m.BundleID})
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(scans["selfie"])
	if gotFb.Items[0].FileHash != hex.EncodeToString(sum[:]) {
		t.Fatal("feedback does not name the selfie as shared")
	}
	_, err = OpenFeedback(bytes.NewReader(fbFile.Bytes()), FeedbackOptions{
		Identities: []age.Identity{holderIdentity(t, holderSign)}, Holder: pubOf(holderSign),
		Partner: ed25519.PublicKey(pubOf(testKey(3))), BundleID: m.BundleID})
	wantReason(t, err, ReasonSigner)
}
