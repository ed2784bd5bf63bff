package crypto

import (
	"bufio"
	"bytes"
	"crypto/ed25519"
	"crypto/rsa"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode/utf8"

	"filippo.io/age"
	"filippo.io/age/agessh"
	"golang.org/x/crypto/ssh"
)

// RecipientKind tells classic recipients from post-quantum ones, which age refuses to mix in
// one file (a classic stanza would undo the post-quantum protection).
type RecipientKind int

const (
	// RecipientClassic is an X25519 (age1...), ssh-ed25519 or ssh-rsa recipient.
	RecipientClassic RecipientKind = iota
	// RecipientPostQuantum is a hybrid ML-KEM-768+X25519 recipient (age1pq1...).
	RecipientPostQuantum
)

// ErrMixedRecipients is returned by [CheckRecipientMix] when post-quantum and classic
// recipients are given together.
var ErrMixedRecipients = errors.New("post-quantum (age1pq1...) and classic recipients can't be mixed: the file would not be safe against quantum computers")

// Size caps follow the age CLI: 16 MiB for recipient and identity files, 8 KiB per
// recipient line (like sshd), 16 KiB for a PEM private key.
const (
	maxRecipientsFile = 16 << 20
	maxRecipientLine  = 8 << 10
	maxIdentityFile   = 16 << 20
	maxSSHPrivateKey  = 16 << 10
)

// ParseRecipient parses one partner recipient as the age CLI does: "age1pq1..." (hybrid),
// "age1..." (X25519), "ssh-ed25519 ..." or "ssh-rsa ..." (an authorized_keys line). It returns
// the recipient, its kind, and its canonical string: age strings as given, SSH keys as
// "type base64" without a comment. The canonical string is what a bundle's audience lists.
func ParseRecipient(s string) (age.Recipient, RecipientKind, string, error) {
	s = strings.TrimSpace(s)
	switch {
	case strings.HasPrefix(s, "age1pq1"):
		r, err := age.ParseHybridRecipient(s)
		if err != nil {
			return nil, 0, "", errors.New("malformed post-quantum recipient")
		}
		return r, RecipientPostQuantum, r.String(), nil
	case strings.HasPrefix(s, "age1"):
		r, err := age.ParseX25519Recipient(s)
		if err != nil {
			return nil, 0, "", errors.New("malformed X25519 recipient")
		}
		return r, RecipientClassic, r.String(), nil
	case strings.HasPrefix(s, "ssh-ed25519 "), strings.HasPrefix(s, "ssh-rsa "):
		return parseSSHRecipient(s)
	case strings.HasPrefix(s, "AGE-"):
		return nil, 0, "", errors.New("an identity (secret key) was given where a recipient was expected")
	}
	return nil, 0, "", errors.New("unknown recipient type: expected age1..., age1pq1..., ssh-ed25519 or ssh-rsa")
}

func parseSSHRecipient(s string) (age.Recipient, RecipientKind, string, error) {
	pub, _, _, _, err := ssh.ParseAuthorizedKey([]byte(s))
	if err != nil {
		return nil, 0, "", errors.New("malformed SSH recipient")
	}
	if err := checkRSASize(pub); err != nil {
		return nil, 0, "", err
	}
	canonical := strings.TrimSuffix(string(ssh.MarshalAuthorizedKey(pub)), "\n")
	r, err := agessh.ParseRecipient(canonical)
	if err != nil {
		return nil, 0, "", errors.New("unsupported SSH recipient")
	}
	return r, RecipientClassic, canonical, nil
}

// checkRSASize refuses RSA keys under 2048 bits, which the age CLI ignores as unsupported.
func checkRSASize(pub ssh.PublicKey) error {
	if pub.Type() != ssh.KeyAlgoRSA {
		return nil
	}
	cpk, ok := pub.(ssh.CryptoPublicKey)
	if !ok {
		return errors.New("unsupported SSH recipient")
	}
	rk, ok := cpk.CryptoPublicKey().(*rsa.PublicKey)
	if !ok || rk.N.BitLen() < 2048 {
		return errors.New("ssh-rsa keys under 2048 bits are not supported")
	}
	return nil
}

// ParseRecipientsFile reads an age -R file: one recipient per line, blank lines and '#'
// comments skipped. Every line is checked with [ParseRecipient]; errors name the line number
// and never echo it, since a confidential file may have been given by mistake.
func ParseRecipientsFile(r io.Reader) ([]string, error) {
	lr := &io.LimitedReader{R: r, N: maxRecipientsFile + 1}
	sc := bufio.NewScanner(lr)
	sc.Buffer(make([]byte, 0, 4096), maxRecipientsFile+1)
	var out []string
	n := 0
	for sc.Scan() {
		n++
		line := strings.TrimSuffix(sc.Text(), "\r")
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if len(line) > maxRecipientLine {
			return nil, fmt.Errorf("failed to read recipients file: line %d is too long", n)
		}
		if !utf8.ValidString(line) {
			return nil, fmt.Errorf("failed to read recipients file: line %d is not valid UTF-8", n)
		}
		if strings.HasPrefix(line, "AGE-") {
			return nil, fmt.Errorf("failed to read recipients file: line %d: apparent identity found in recipients file", n)
		}
		_, _, canonical, err := ParseRecipient(line)
		if err != nil {
			return nil, fmt.Errorf("failed to read recipients file: malformed recipient at line %d", n)
		}
		out = append(out, canonical)
	}
	if err := sc.Err(); err != nil || lr.N == 0 {
		return nil, errors.New("failed to read recipients file: file is too long or unreadable")
	}
	if len(out) == 0 {
		return nil, errors.New("failed to read recipients file: no recipients found")
	}
	return out, nil
}

// CheckRecipientMix returns [ErrMixedRecipients] when kinds holds both post-quantum and
// classic recipients; age would refuse to encrypt to them anyway, this says why up front.
func CheckRecipientMix(kinds []RecipientKind) error {
	pq, classic := false, false
	for _, k := range kinds {
		if k == RecipientPostQuantum {
			pq = true
		} else {
			classic = true
		}
	}
	if pq && classic {
		return ErrMixedRecipients
	}
	return nil
}

// PartnerIdentity is a partner's decryption key together with its canonical recipient string,
// which a bundle's audience must list for the bundle to be accepted.
type PartnerIdentity struct {
	// Identity decrypts age files.
	Identity age.Identity
	// Recipient is the canonical recipient string of Identity, as [ParseRecipient] returns it.
	Recipient string
}

// ParseIdentityFile parses a partner's identity file like age -i: an age identity file
// (AGE-SECRET-KEY-1... and AGE-SECRET-KEY-PQ-1... lines, '#' comments) or an unencrypted
// OpenSSH ed25519 or RSA private key. Passphrase-protected SSH keys are refused with a clear
// error. Errors never echo the file's content.
func ParseIdentityFile(data []byte) ([]PartnerIdentity, error) {
	if len(data) > maxIdentityFile {
		return nil, errors.New("failed to read identity file: file is too long")
	}
	trimmed := bytes.TrimSpace(data)
	switch {
	case bytes.HasPrefix(trimmed, []byte("age-encryption.org/")), bytes.HasPrefix(trimmed, []byte("-----BEGIN AGE ENCRYPTED FILE-----")):
		return nil, errors.New("failed to read identity file: passphrase-encrypted identity files are not supported; decrypt it with age first")
	case bytes.HasPrefix(trimmed, []byte("-----BEGIN")):
		return parseSSHIdentity(trimmed)
	}
	return parseAgeIdentities(data)
}

func parseAgeIdentities(data []byte) ([]PartnerIdentity, error) {
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 4096), maxIdentityFile+1)
	var out []PartnerIdentity
	n := 0
	for sc.Scan() {
		n++
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		id, err := parseAgeIdentity(line)
		if err != nil {
			if strings.HasPrefix(line, "age1") || strings.HasPrefix(line, "ssh-") {
				return nil, fmt.Errorf("failed to read identity file: line %d: apparent recipient (public key) found in identity file", n)
			}
			return nil, fmt.Errorf("failed to read identity file: malformed identity at line %d", n)
		}
		out = append(out, id)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("failed to read identity file: %w", err)
	}
	if len(out) == 0 {
		return nil, errors.New("failed to read identity file: no identities found")
	}
	return out, nil
}

func parseAgeIdentity(line string) (PartnerIdentity, error) {
	switch {
	case strings.HasPrefix(line, "AGE-SECRET-KEY-PQ-1"):
		id, err := age.ParseHybridIdentity(line)
		if err != nil {
			return PartnerIdentity{}, err
		}
		return PartnerIdentity{Identity: id, Recipient: id.Recipient().String()}, nil
	case strings.HasPrefix(line, "AGE-SECRET-KEY-1"):
		id, err := age.ParseX25519Identity(line)
		if err != nil {
			return PartnerIdentity{}, err
		}
		return PartnerIdentity{Identity: id, Recipient: id.Recipient().String()}, nil
	}
	return PartnerIdentity{}, errors.New("unknown identity type")
}

func parseSSHIdentity(pemBytes []byte) ([]PartnerIdentity, error) {
	if len(pemBytes) > maxSSHPrivateKey {
		return nil, errors.New("failed to read identity file: SSH private key is too long")
	}
	raw, err := ssh.ParseRawPrivateKey(pemBytes)
	var missing *ssh.PassphraseMissingError
	if errors.As(err, &missing) {
		return nil, errors.New("failed to read identity file: the SSH private key is passphrase-protected; use an unencrypted copy or an age identity")
	}
	if err != nil {
		return nil, errors.New("failed to read identity file: malformed SSH private key")
	}
	var id age.Identity
	var pub ssh.PublicKey
	switch k := raw.(type) {
	case *ed25519.PrivateKey:
		id, pub, err = ed25519Identity(*k)
	case ed25519.PrivateKey:
		id, pub, err = ed25519Identity(k)
	case *rsa.PrivateKey:
		id, pub, err = rsaIdentity(k)
	default:
		return nil, errors.New("failed to read identity file: only ed25519 and RSA SSH keys are supported")
	}
	if err != nil {
		return nil, fmt.Errorf("failed to read identity file: %w", err)
	}
	canonical := strings.TrimSuffix(string(ssh.MarshalAuthorizedKey(pub)), "\n")
	return []PartnerIdentity{{Identity: id, Recipient: canonical}}, nil
}

func ed25519Identity(k ed25519.PrivateKey) (age.Identity, ssh.PublicKey, error) {
	id, err := agessh.NewEd25519Identity(k)
	if err != nil {
		return nil, nil, err
	}
	pub, err := ssh.NewPublicKey(k.Public())
	return id, pub, err
}

func rsaIdentity(k *rsa.PrivateKey) (age.Identity, ssh.PublicKey, error) {
	id, err := agessh.NewRSAIdentity(k)
	if err != nil {
		return nil, nil, err
	}
	pub, err := ssh.NewPublicKey(&k.PublicKey)
	return id, pub, err
}

// GeneratePartnerIdentity creates a partner key like age-keygen: the identity file content
// ("# created: ..." and "# public key: ..." comments, then the secret key line) and the
// recipient string. pq selects a hybrid ML-KEM-768+X25519 key, otherwise X25519.
func GeneratePartnerIdentity(pq bool) (fileContent []byte, recipient string, err error) {
	var secret string
	if pq {
		id, err := age.GenerateHybridIdentity()
		if err != nil {
			return nil, "", fmt.Errorf("failed to generate identity: %w", err)
		}
		secret, recipient = id.String(), id.Recipient().String()
	} else {
		id, err := age.GenerateX25519Identity()
		if err != nil {
			return nil, "", fmt.Errorf("failed to generate identity: %w", err)
		}
		secret, recipient = id.String(), id.Recipient().String()
	}
	content := fmt.Sprintf("# created: %s\n# public key: %s\n%s\n",
		time.Now().Format(time.RFC3339), recipient, secret)
	return []byte(content), recipient, nil
}

// RecipientOfIdentityFile returns the canonical recipient string of every identity in an
// identity file, as [ParseIdentityFile] reads it.
func RecipientOfIdentityFile(data []byte) ([]string, error) {
	ids, err := ParseIdentityFile(data)
	if err != nil {
		return nil, err
	}
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = id.Recipient
	}
	return out, nil
}
