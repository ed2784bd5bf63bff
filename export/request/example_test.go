package request_test

import (
	"bytes"
	"crypto/ed25519"
	"fmt"
	"time"

	"filippo.io/age"
	"filippo.io/age/agessh"

	"github.com/paspor/paspor/crypto"
	"github.com/paspor/paspor/export/request"
)

// A partner writes a request; the holder parses it (pinning the partner key it knows), sees
// what each element would take from the wallet, and what is missing.
func Example() {
	seed := make([]byte, ed25519.SeedSize)
	partnerKey := ed25519.NewKeyFromSeed(seed)
	now := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)

	scope, err := request.ParseTelegramScope([]byte(`{"v":1,"data":[{"type":"id_document","selfie":true},"email"]}`))
	if err != nil {
		panic(err)
	}
	req, err := request.New(request.NewOptions{
		Partner:    "Example Bank",
		Purpose:    "account opening",
		Recipients: []string{"age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p"},
		SigningKey: partnerKey.Public().(ed25519.PublicKey),
		Scope:      scope,
		Now:        now,
	})
	if err != nil {
		panic(err)
	}
	file, err := request.Sign(req, partnerKey)
	if err != nil {
		panic(err)
	}

	got, err := request.Parse(bytes.NewReader(file), request.ParseOptions{
		Now:    now.Add(time.Hour),
		Signer: partnerKey.Public().(ed25519.PublicKey),
	})
	if err != nil {
		panic(err)
	}
	fmt.Println(got.Partner, "asks for", got.Purpose)
	wallet := []request.Document{
		{ID: "pp1", Type: "passport", Fields: map[string]string{"document_no": "X1"}, Scans: []string{"front_side"}},
	}
	for i, m := range request.Match(got.Scope, wallet, now) {
		fmt.Printf("element %d %v satisfied=%v\n", i+1, m.Element.Types(), m.Satisfied())
		for _, c := range m.Candidates {
			fmt.Println("  ", c.DocumentID, "sends", c.Send, "lacks", c.Missing)
		}
	}
	// Output:
	// Example Bank asks for account opening
	// element 1 [passport internal_passport identity_card driver_license] satisfied=false
	//    pp1 sends [{field document_no true} {scan front_side true}] lacks [{scan selfie true}]
	// element 2 [email] satisfied=false
}

// The partner writes feedback on a bundle, encrypted to the bundle's holder key; the holder
// opens it, accepting it only from the partner the bundle went to.
func ExampleSealFeedback() {
	partner := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{1}, ed25519.SeedSize))
	holder := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{2}, ed25519.SeedSize))
	holderLine := crypto.SSHPublicKeyLine(holder.Public().(ed25519.PublicKey), "")
	bundleID := "00112233445566778899aabbccddeeff"

	fb := &request.Feedback{
		Format:     request.FeedbackFormat,
		FeedbackID: "ffeeddccbbaa99887766554433221100",
		BundleID:   bundleID,
		CreatedAt:  time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC),
		Partner:    "Example Bank",
		SigningKey: crypto.SSHPublicKeyLine(partner.Public().(ed25519.PublicKey), ""),
		Holder:     holderLine,
		Items: []request.FeedbackItem{{
			Source: request.SourceData, DocumentID: "pp1", Type: "passport",
			Field: "document_no", DataHash: request.FieldHash("X1"), Message: "does not match the scan",
		}},
	}
	var file bytes.Buffer
	if err := request.SealFeedback(&file, fb, partner); err != nil {
		panic(err)
	}

	id, err := agessh.NewEd25519Identity(holder)
	if err != nil {
		panic(err)
	}
	got, err := request.OpenFeedback(&file, request.FeedbackOptions{
		Identities: []age.Identity{id},
		Holder:     holder.Public().(ed25519.PublicKey),
		Partner:    partner.Public().(ed25519.PublicKey),
		BundleID:   bundleID,
	})
	if err != nil {
		panic(err)
	}
	for _, it := range got.Items {
		fmt.Println(it.Source, it.DocumentID, it.Field+":", it.Message)
	}
	// Output:
	// data pp1 document_no: does not match the scan
}
