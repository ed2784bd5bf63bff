package crypto

import (
	"bytes"
	"errors"
	"testing"
)

func TestHeaderMAC(t *testing.T) {
	secret := bytes.Repeat([]byte{7}, DeviceSecretSize)
	fields := [][]byte{[]byte("paspor-wallet/2"), []byte("id"), []byte("file")}
	mac, err := HeaderMAC(secret, fields...)
	if err != nil || len(mac) != HeaderMACSize {
		t.Fatalf("HeaderMAC = %x, %v", mac, err)
	}
	if err := VerifyHeaderMAC(secret, mac, fields...); err != nil {
		t.Fatalf("VerifyHeaderMAC of the same fields: %v", err)
	}
	other := bytes.Repeat([]byte{8}, DeviceSecretSize)
	for name, check := range map[string]func() error{
		"other secret":   func() error { return VerifyHeaderMAC(other, mac, fields...) },
		"changed field":  func() error { return VerifyHeaderMAC(secret, mac, fields[0], fields[1], []byte("keyring")) },
		"moved boundary": func() error { return VerifyHeaderMAC(secret, mac, fields[0], []byte("idf"), []byte("ile")) },
		"missing field":  func() error { return VerifyHeaderMAC(secret, mac, fields[0], fields[1]) },
		"truncated MAC":  func() error { return VerifyHeaderMAC(secret, mac[:16], fields...) },
		"flipped MAC byte": func() error {
			m := bytes.Clone(mac)
			m[3] ^= 1
			return VerifyHeaderMAC(secret, m, fields...)
		},
	} {
		if err := check(); !errors.Is(err, ErrHeaderMAC) {
			t.Errorf("%s: %v, want ErrHeaderMAC", name, err)
		}
	}
	if _, err := HeaderMAC(secret[:5], fields...); err == nil {
		t.Errorf("HeaderMAC accepted a short device secret")
	}
}
