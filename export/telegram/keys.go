package telegram

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
)

// KeyBits is the size of the RSA keys [GenerateKey] makes: what BotFather's /setpublickey takes.
const KeyBits = 2048

// ErrNotRSAKey is returned when a PEM file does not hold an RSA key of the expected kind.
var ErrNotRSAKey = errors.New("not a PEM-encoded RSA key")

// GenerateKey makes an RSA-2048 bot key and returns the private key as PKCS#1 PEM
// ("RSA PRIVATE KEY") and the public key as PKIX PEM ("PUBLIC KEY"), the forms bot
// libraries and BotFather read.
func GenerateKey() (private, public []byte, err error) {
	k, err := rsa.GenerateKey(rand.Reader, KeyBits)
	if err != nil {
		return nil, nil, fmt.Errorf("failed to generate an RSA key: %w", err)
	}
	pub, err := x509.MarshalPKIXPublicKey(&k.PublicKey)
	if err != nil {
		return nil, nil, fmt.Errorf("failed to encode the public key: %w", err)
	}
	private = pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(k)})
	public = pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pub})
	return private, public, nil
}

// ParsePrivateKey reads an RSA private key in PEM, PKCS#1 or PKCS#8.
func ParsePrivateKey(pemBytes []byte) (*rsa.PrivateKey, error) {
	blk, _ := pem.Decode(pemBytes)
	if blk == nil {
		return nil, ErrNotRSAKey
	}
	if k, err := x509.ParsePKCS1PrivateKey(blk.Bytes); err == nil {
		return k, nil
	}
	k, err := x509.ParsePKCS8PrivateKey(blk.Bytes)
	if err != nil {
		return nil, ErrNotRSAKey
	}
	rk, ok := k.(*rsa.PrivateKey)
	if !ok {
		return nil, ErrNotRSAKey
	}
	return rk, nil
}

// ParsePublicKey reads an RSA public key in PEM, PKIX ("PUBLIC KEY") or PKCS#1
// ("RSA PUBLIC KEY"). A private key file is refused: the holder side never needs it.
func ParsePublicKey(pemBytes []byte) (*rsa.PublicKey, error) {
	blk, _ := pem.Decode(pemBytes)
	if blk == nil {
		return nil, ErrNotRSAKey
	}
	if k, err := x509.ParsePKCS1PublicKey(blk.Bytes); err == nil {
		return k, nil
	}
	k, err := x509.ParsePKIXPublicKey(blk.Bytes)
	if err != nil {
		return nil, ErrNotRSAKey
	}
	rk, ok := k.(*rsa.PublicKey)
	if !ok {
		return nil, ErrNotRSAKey
	}
	return rk, nil
}
