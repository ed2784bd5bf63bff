package crypto_test

import (
	"errors"
	"fmt"
	"log"

	"github.com/paspor/paspor/crypto"
)

func ExampleSealRecord() {
	secrets, err := crypto.NewSlotSecrets()
	if err != nil {
		log.Fatal(err)
	}
	b := crypto.Binding{WalletID: "w-7f3a", Kind: "document", ID: "passport-1"}

	sealed, err := crypto.SealRecord(secrets.WalletKey, b, []byte("number=X1234567"))
	if err != nil {
		log.Fatal(err)
	}
	plaintext, err := crypto.OpenRecord(secrets.WalletKey, b, sealed)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%s\n", plaintext)

	// The same bytes stored under another record ID do not open.
	moved := b
	moved.ID = "passport-2"
	_, err = crypto.OpenRecord(secrets.WalletKey, moved, sealed)
	fmt.Println(err != nil)
	// Output:
	// number=X1234567
	// true
}

func ExampleEncodeRecoveryCode() {
	// A real device secret comes from crypto.NewDeviceSecret; a fixed one keeps the
	// output stable.
	secret := make([]byte, crypto.DeviceSecretSize)
	for i := range secret {
		secret[i] = byte(i)
	}
	code, err := crypto.EncodeRecoveryCode(secret)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(code)

	// Typed back by hand: lower case, spaces instead of dashes, O for 0 and l for 1.
	back, err := crypto.DecodeRecoveryCode("paspor 000g40r 40m30e2 o9l85gr 38e1w8l\n24gk2ga hc5rr34 d1p70x3 rfya0z5")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(len(back), back[31])

	// One wrong character is caught by the checksum.
	_, err = crypto.DecodeRecoveryCode("PASPOR-000G40R-40M30E2-09185GR-38E1W81-24GK2GA-HC5RR34-D1P70X3-RFYA0Z6")
	fmt.Println(errors.Is(err, crypto.ErrRecoveryCodeChecksum))
	// Output:
	// PASPOR-000G40R-40M30E2-09185GR-38E1W81-24GK2GA-HC5RR34-D1P70X3-RFYA0Z5
	// 32 31
	// true
}
