package crypto

import (
	"bufio"
	"bytes"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/hiddeco/sshsig"
	"golang.org/x/crypto/ssh"
)

// ErrBadSignature is returned by [VerifySSHSIG] for every failure: a malformed, oversized or
// wrong-namespace signature, a non-Ed25519 signer, or a signature that does not match the
// message. Callers need one answer ("not signed"), not the detail.
var ErrBadSignature = errors.New("bad signature")

// maxArmoredSignature caps what [VerifySSHSIG] reads: an armored Ed25519 SSHSIG is about
// 300 bytes, so anything near the cap is not one.
const maxArmoredSignature = 16 << 10

// maxHolderKeyText caps what [ParseHolderKey] accepts; a public key file is a few hundred bytes.
const maxHolderKeyText = 64 << 10

// signatureHash is the hash SSHSIG signs over; sha512 is what ssh-keygen -Y sign uses.
const signatureHash = sshsig.HashSHA512

// SSHPublicKeyLine returns pub as an OpenSSH authorized_keys line, "ssh-ed25519 AAAA... comment",
// without a trailing newline. An empty comment gives "ssh-ed25519 AAAA...".
func SSHPublicKeyLine(pub ed25519.PublicKey, comment string) string {
	sshPub, err := ssh.NewPublicKey(pub)
	if err != nil {
		// Only a key of the wrong length gets here; an empty line makes that visible.
		return ""
	}
	line := strings.TrimSuffix(string(ssh.MarshalAuthorizedKey(sshPub)), "\n")
	if comment != "" {
		line += " " + comment
	}
	return line
}

// Fingerprint returns the SHA256 fingerprint of pub as ssh-keygen -l prints it:
// "SHA256:" and unpadded base64.
func Fingerprint(pub ed25519.PublicKey) string {
	sshPub, err := ssh.NewPublicKey(pub)
	if err != nil {
		return ""
	}
	return ssh.FingerprintSHA256(sshPub)
}

// ParseHolderKey parses a holder's public key: one authorized_keys-style line, or the content of
// a file whose first key line (blank lines and '#' comments skipped) is used. Only ssh-ed25519
// keys are accepted, since holders sign with Ed25519.
func ParseHolderKey(text string) (ed25519.PublicKey, error) {
	if len(text) > maxHolderKeyText {
		return nil, errors.New("failed to parse holder key: too long")
	}
	sc := bufio.NewScanner(strings.NewReader(text))
	sc.Buffer(make([]byte, 0, 4096), maxHolderKeyText)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		return parseHolderKeyLine(line)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("failed to parse holder key: %w", err)
	}
	return nil, errors.New("failed to parse holder key: no key found")
}

func parseHolderKeyLine(line string) (ed25519.PublicKey, error) {
	// The error from ssh does not echo the line, but it says little either: keep our own.
	sshPub, _, _, _, err := ssh.ParseAuthorizedKey([]byte(line))
	if err != nil {
		return nil, errors.New("failed to parse holder key: not an OpenSSH public key line")
	}
	return ed25519FromSSH(sshPub)
}

func ed25519FromSSH(sshPub ssh.PublicKey) (ed25519.PublicKey, error) {
	if sshPub.Type() != ssh.KeyAlgoED25519 {
		return nil, fmt.Errorf("failed to parse holder key: type %q is not ssh-ed25519", sshPub.Type())
	}
	cpk, ok := sshPub.(ssh.CryptoPublicKey)
	if !ok {
		return nil, errors.New("failed to parse holder key: unexpected key type")
	}
	pub, ok := cpk.CryptoPublicKey().(ed25519.PublicKey)
	if !ok || len(pub) != ed25519.PublicKeySize {
		return nil, errors.New("failed to parse holder key: unexpected key type")
	}
	return pub, nil
}

// SignSSHSIG signs msg as ssh-keygen -Y sign -n namespace would, returning the armored
// signature ("-----BEGIN SSH SIGNATURE-----"), hashed with sha512.
func SignSSHSIG(priv ed25519.PrivateKey, namespace string, msg io.Reader) ([]byte, error) {
	if len(priv) != ed25519.PrivateKeySize {
		return nil, errors.New("failed to sign: invalid Ed25519 private key")
	}
	signer, err := ssh.NewSignerFromKey(priv)
	if err != nil {
		return nil, fmt.Errorf("failed to sign: %w", err)
	}
	sig, err := sshsig.Sign(msg, signer, signatureHash, namespace)
	if err != nil {
		return nil, fmt.Errorf("failed to sign: %w", err)
	}
	return armorSSHSIG(sig.Marshal()), nil
}

// armorSSHSIG is the armor ssh-keygen -Y sign writes: the PEM-style BEGIN line, the blob in
// standard padded base64 in lines of 70 characters, the END line, each ending in LF. It is the
// only armor [VerifySSHSIG] accepts, so that a signature file has one spelling.
func armorSSHSIG(blob []byte) []byte {
	enc := base64.StdEncoding.EncodeToString(blob)
	var b bytes.Buffer
	b.WriteString("-----BEGIN " + sshsig.PEMType + "-----\n")
	for len(enc) > 70 {
		b.WriteString(enc[:70] + "\n")
		enc = enc[70:]
	}
	b.WriteString(enc + "\n")
	b.WriteString("-----END " + sshsig.PEMType + "-----\n")
	return b.Bytes()
}

// VerifySSHSIG checks an armored SSHSIG over msg in namespace and returns the Ed25519 key that
// made it. The caller decides whether that key is the one it trusts. Any failure is
// [ErrBadSignature]; sha256 and sha512 signatures are accepted, like ssh-keygen -Y verify.
// The armor must be exactly what ssh-keygen -Y sign writes (70-column base64 lines, LF line
// ends, nothing before or after): ssh-keygen itself is laxer, but a signed file must have one
// reading.
func VerifySSHSIG(armored []byte, namespace string, msg io.Reader) (ed25519.PublicKey, error) {
	if len(armored) > maxArmoredSignature {
		return nil, ErrBadSignature
	}
	block, _ := pem.Decode(armored)
	if namespace == "" || block == nil || block.Type != sshsig.PEMType || !bytes.Equal(armored, armorSSHSIG(block.Bytes)) {
		return nil, ErrBadSignature
	}
	sig, err := sshsig.ParseSignature(block.Bytes)
	if err != nil || sig.PublicKey == nil || sig.Signature == nil {
		return nil, ErrBadSignature
	}
	pub, err := ed25519FromSSH(sig.PublicKey)
	if err != nil {
		return nil, ErrBadSignature
	}
	if sig.Signature.Format != ssh.KeyAlgoED25519 || sig.HashAlgorithm.Supported() != nil {
		return nil, ErrBadSignature
	}
	if err := sshsig.Verify(msg, sig, sig.PublicKey, sig.HashAlgorithm, namespace); err != nil {
		return nil, ErrBadSignature
	}
	return pub, nil
}
