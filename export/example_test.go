package export_test

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/paspor/paspor/crypto"
	"github.com/paspor/paspor/export"
)

// The holder shares a passport scan with a bank; the bank opens it with its identity,
// pinning the holder's key and checking the nonce it sent with its request.
func Example() {
	_, holder, _ := ed25519.GenerateKey(nil)
	bankKey, bankRecipient, _ := crypto.GeneratePartnerIdentity(true)

	scan := []byte("\xff\xd8\xff scanned passport")
	digest := sha256.Sum256(scan)
	docs := []export.Document{{
		ID: "p1", Type: "passport",
		Fields: map[string]string{"document_no": "X1234567"},
		Files: []export.File{{Role: "front_side", MediaType: "image/jpeg",
			Size: int64(len(scan)), SHA256: hex.EncodeToString(digest[:])}},
	}}
	open := func(d, f int) (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(scan)), nil }

	recipients, err := export.ParseRecipients([]string{bankRecipient})
	if err != nil {
		panic(err)
	}
	var bundle bytes.Buffer
	_, err = export.Write(&bundle, docs, open, export.WriteOptions{
		Recipients: recipients, Nonce: "req-42", TTL: 24 * time.Hour, Signer: holder,
	})
	if err != nil {
		panic(err)
	}

	ids, _ := crypto.ParseIdentityFile(bankKey)
	res, err := export.Open(&bundle, export.OpenOptions{
		Identities: ids, Holder: holder.Public().(ed25519.PublicKey), Nonce: "req-42",
	})
	if err != nil {
		panic(err)
	}
	fmt.Println(res.Manifest.Documents[0].Files[0].Path, res.HolderPinned)
	// Output: files/p1/front_side.jpg true
}

// A bundle opened by a partner it was not encrypted for is rejected with a stable reason.
func ExampleOpen_rejected() {
	_, holder, _ := ed25519.GenerateKey(nil)
	_, recipient, _ := crypto.GeneratePartnerIdentity(false)
	otherKey, _, _ := crypto.GeneratePartnerIdentity(false)

	var bundle bytes.Buffer
	docs := []export.Document{{ID: "e1", Type: "email", Fields: map[string]string{"email": "ada@example.org"}}}
	recipients, _ := export.ParseRecipients([]string{recipient})
	if _, err := export.Write(&bundle, docs, nil, export.WriteOptions{Recipients: recipients, TTL: time.Hour, Signer: holder}); err != nil {
		panic(err)
	}
	ids, _ := crypto.ParseIdentityFile(otherKey)
	_, err := export.Open(&bundle, export.OpenOptions{Identities: ids})
	var rej *export.RejectedError
	if errors.As(err, &rej) {
		fmt.Println(rej.Reason)
	}
	// Output: decrypt
}
