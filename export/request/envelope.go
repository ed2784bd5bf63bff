package request

import (
	"bytes"
	"crypto/ed25519"
	"errors"
	"fmt"
	"io"

	"github.com/paspor/paspor/crypto"
)

// The armor lines of an SSHSIG, as ssh-keygen -Y sign writes them.
const (
	armorBegin = "-----BEGIN SSH SIGNATURE-----\n"
	armorEnd   = "-----END SSH SIGNATURE-----\n"
)

// maxSignatureSize caps the armored signature part; an Ed25519 SSHSIG armor is about 300 bytes.
const maxSignatureSize = 4 << 10

// seal returns the file: the canonical JSON line (with its "\n", the signed message) followed
// by the armored SSHSIG over that line.
func seal(line []byte, priv ed25519.PrivateKey, namespace string) ([]byte, error) {
	msg := append(append([]byte(nil), line...), '\n')
	sig, err := crypto.SignSSHSIG(priv, namespace, bytes.NewReader(msg))
	if err != nil {
		return nil, err
	}
	return append(msg, sig...), nil
}

// readCapped reads all of r, or fails with ReasonTooLarge past limit bytes.
func readCapped(what string, r io.Reader, limit int64) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, fmt.Errorf("failed to read %s: %w", what, err)
	}
	if int64(len(data)) > limit {
		return nil, reject(what, ReasonTooLarge, "larger than %d bytes", limit)
	}
	return data, nil
}

// split separates a file into its JSON line (without "\n") and its armored signature, which
// must be exactly one armor block in ssh-keygen's layout: LF line ends, nothing after it.
func split(what string, data []byte) (line, sig []byte, err error) {
	i := bytes.IndexByte(data, '\n')
	if i <= 0 {
		return nil, nil, reject(what, ReasonMalformed, "want a JSON line and a signature")
	}
	line, sig = data[:i], data[i+1:]
	if len(sig) > maxSignatureSize {
		return nil, nil, reject(what, ReasonTooLarge, "signature larger than %d bytes", maxSignatureSize)
	}
	if bytes.IndexByte(line, '\r') >= 0 || bytes.IndexByte(sig, '\r') >= 0 ||
		!bytes.HasPrefix(sig, []byte(armorBegin)) || !bytes.HasSuffix(sig, []byte(armorEnd)) ||
		bytes.Count(sig, []byte("-----")) != 4 {
		return nil, nil, reject(what, ReasonSignature, "want one SSH SIGNATURE armor block after the JSON line")
	}
	return line, sig, nil
}

// verify checks that sig is an SSHSIG in namespace by signer over line and "\n".
func verify(what string, line, sig []byte, namespace string, signer ed25519.PublicKey) error {
	msg := append(append([]byte(nil), line...), '\n')
	pub, err := crypto.VerifySSHSIG(sig, namespace, bytes.NewReader(msg))
	if err != nil {
		if errors.Is(err, crypto.ErrBadSignature) {
			return reject(what, ReasonSignature, "not a valid %s signature", namespace)
		}
		return fmt.Errorf("failed to verify %s: %w", what, err)
	}
	if !pub.Equal(signer) {
		return reject(what, ReasonSignature, "signed by another key than its signing_key")
	}
	return nil
}

// parseSigningKey checks that s is a canonical "ssh-ed25519 <base64>" line without comment.
func parseSigningKey(what, s string) (ed25519.PublicKey, error) {
	pub, err := crypto.ParseHolderKey(s)
	if err != nil || crypto.SSHPublicKeyLine(pub, "") != s {
		return nil, reject(what, ReasonInvalid, "signing_key is not a canonical ssh-ed25519 key line")
	}
	return pub, nil
}
