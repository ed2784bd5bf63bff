package telegram_test

import (
	"fmt"
	"log"
	"os"

	"github.com/paspor/paspor/export/telegram"
)

// A bot decrypts the passport_data of a message with its private key, checks the nonce of
// its request, then decrypts each file it downloaded with getFile.
func ExampleOpen() {
	keyPEM, err := os.ReadFile("testdata/tbep/private-key.pem")
	if err != nil {
		log.Fatal(err)
	}
	key, err := telegram.ParsePrivateKey(keyPEM)
	if err != nil {
		log.Fatal(err)
	}
	passportData, err := os.ReadFile("testdata/example/passport_data.json")
	if err != nil {
		log.Fatal(err)
	}
	p, err := telegram.Open(passportData, key, telegram.OpenOptions{Nonce: "TEST"})
	if err != nil {
		log.Fatal(err)
	}
	// Where the bot saved what getFile delivered, by file name.
	downloads := map[string]string{
		"DgADAQADGwADQnBBRBexahgtkoPgAg": "testdata/tbep/identity_card-front_side.jpg.enc",
		"DgADAQADQAADPupBRDIrCqSwkb4iAg": "testdata/tbep/utility_bill.jpg.enc",
	}
	for _, el := range p.Elements {
		fmt.Println(el.Type, el.Fields)
		for _, f := range el.Files {
			path, ok := downloads[f.Name()]
			if !ok {
				fmt.Println(" ", f.Role, "not downloaded")
				continue
			}
			ciphertext, err := os.ReadFile(path)
			if err != nil {
				log.Fatal(err)
			}
			plain, err := f.Decrypt(ciphertext)
			if err != nil {
				log.Fatal(err)
			}
			fmt.Println(" ", f.Role, len(plain), "bytes")
		}
	}
	// Output:
	// identity_card map[document_no:9999R]
	//   front_side 104415 bytes
	//   reverse_side not downloaded
	//   selfie not downloaded
	// utility_bill map[]
	//   file/1 44640 bytes
	//   translation/1 not downloaded
}

// A holder's documents, encrypted for a bot's public key as a Telegram client sends them.
func ExampleBuild() {
	pubPEM, err := os.ReadFile("testdata/tbep/public-key.pem")
	if err != nil {
		log.Fatal(err)
	}
	pub, err := telegram.ParsePublicKey(pubPEM)
	if err != nil {
		log.Fatal(err)
	}
	docs := []telegram.Document{
		{Type: "passport", Fields: map[string]string{"document_no": "P1234567", "expiry_date": "2031-05-01", "issue_date": "2021-05-01"},
			Files: []telegram.Attachment{{Role: "front_side", Content: []byte("\xff\xd8\xff scan")}}},
		{Type: "email", Fields: map[string]string{"email": "ana@example.org"}},
	}
	out, err := telegram.Build(docs, pub, telegram.BuildOptions{Nonce: "8f2c"})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(len(out.Files), "encrypted file, named", len(out.Files[0].Name), "hex digits")
	fmt.Println("not sent:", out.Omitted)
	// Output:
	// 1 encrypted file, named 32 hex digits
	// not sent: [passport.issue_date]
}
