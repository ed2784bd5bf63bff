package request

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/pem"
	"errors"
	"fmt"

	"golang.org/x/crypto/ssh"
)

// maxSigningKeyFile caps what [ParseSigningKeyFile] reads; an OpenSSH Ed25519 key is ~400 bytes.
const maxSigningKeyFile = 16 << 10

// GenerateSigningKey makes a partner's Ed25519 signing key and returns it with its
// unencrypted OpenSSH private key file (the format ssh-keygen writes, so that
// `ssh-keygen -y -f` and `ssh-keygen -Y sign` read it), comment included.
func GenerateSigningKey(comment string) (ed25519.PrivateKey, []byte, error) {
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, nil, fmt.Errorf("failed to generate signing key: %w", err)
	}
	block, err := ssh.MarshalPrivateKey(priv, comment)
	if err != nil {
		return nil, nil, fmt.Errorf("failed to encode signing key: %w", err)
	}
	return priv, pem.EncodeToMemory(block), nil
}

// ParseSigningKeyFile reads an unencrypted OpenSSH Ed25519 private key file.
func ParseSigningKeyFile(data []byte) (ed25519.PrivateKey, error) {
	if len(data) > maxSigningKeyFile {
		return nil, errors.New("signing key file is too large")
	}
	raw, err := ssh.ParseRawPrivateKey(data)
	var missing *ssh.PassphraseMissingError
	if errors.As(err, &missing) {
		return nil, errors.New("signing key is passphrase-protected")
	}
	if err != nil {
		return nil, errors.New("signing key is not an OpenSSH private key")
	}
	switch k := raw.(type) {
	case *ed25519.PrivateKey:
		return *k, nil
	case ed25519.PrivateKey:
		return k, nil
	}
	return nil, errors.New("signing key is not an Ed25519 key")
}
