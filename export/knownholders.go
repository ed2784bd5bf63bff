package export

import (
	"bufio"
	"bytes"
	"crypto/ed25519"
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strings"

	"github.com/paspor/paspor/crypto"
)

// A known-holders file is a partner's record of the holder keys it has pinned, like ssh's
// known_hosts: one "NAME ssh-ed25519 BASE64" line per holder, '#' comments and blank lines
// ignored. NAME is the partner's own name for the holder (a customer number, say); a bundle
// opened for NAME must be signed by NAME's key, so a holder whose key changed is refused.

// maxKnownHolders caps the file read into memory.
const maxKnownHolders = 16 << 20

var holderNamePattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._@+-]{0,127}$`)

// ErrHolderName is returned for a holder name outside the known-holders grammar.
var ErrHolderName = errors.New("a holder name is 1-128 letters, digits and . _ @ + - (starting with a letter or digit)")

// KnownHoldersError says which line of a known-holders file is malformed.
type KnownHoldersError struct {
	// Line is the 1-based line number.
	Line int
	// Err says what is wrong; it never quotes the line.
	Err error
}

// Error implements error.
func (e *KnownHoldersError) Error() string {
	return fmt.Sprintf("known-holders file, line %d: %v", e.Line, e.Err)
}

// Unwrap returns Err.
func (e *KnownHoldersError) Unwrap() error { return e.Err }

// KnownHolders maps holder names to their pinned keys.
type KnownHolders struct {
	keys map[string]ed25519.PublicKey
}

// ParseKnownHolders reads a known-holders file. A name given twice, a malformed line or a key
// that is not ssh-ed25519 is a [*KnownHoldersError]: a pin file that can be read two ways
// pins nothing.
func ParseKnownHolders(r io.Reader) (*KnownHolders, error) {
	lr := &io.LimitedReader{R: r, N: maxKnownHolders + 1}
	sc := bufio.NewScanner(lr)
	sc.Buffer(make([]byte, 0, 4096), maxKnownHolders+1)
	k := &KnownHolders{keys: map[string]ed25519.PublicKey{}}
	n := 0
	for sc.Scan() {
		n++
		line := strings.TrimSuffix(sc.Text(), "\r")
		if strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#") {
			continue
		}
		name, key, ok := strings.Cut(line, " ")
		if !ok || !holderNamePattern.MatchString(name) {
			return nil, &KnownHoldersError{Line: n, Err: ErrHolderName}
		}
		pub, err := crypto.ParseHolderKey(key)
		if err != nil || crypto.SSHPublicKeyLine(pub, "") != key {
			return nil, &KnownHoldersError{Line: n, Err: errors.New("not a canonical ssh-ed25519 key line")}
		}
		if _, dup := k.keys[name]; dup {
			return nil, &KnownHoldersError{Line: n, Err: errors.New("the name is listed twice")}
		}
		k.keys[name] = pub
	}
	if err := sc.Err(); err != nil || lr.N == 0 {
		return nil, errors.New("failed to read known-holders file: too long or unreadable")
	}
	return k, nil
}

// Lookup returns the key pinned for name.
func (k *KnownHolders) Lookup(name string) (ed25519.PublicKey, bool) {
	pub, ok := k.keys[name]
	return pub, ok
}

// NameOf returns the names pinned to pub, sorted, so that a partner sees which holder a bundle
// is from even when it did not say.
func (k *KnownHolders) NameOf(pub ed25519.PublicKey) []string {
	var names []string
	for name, p := range k.keys {
		if bytes.Equal(p, pub) {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	return names
}

// CheckHolderName returns [ErrHolderName] for a name a known-holders file cannot hold.
func CheckHolderName(name string) error {
	if !holderNamePattern.MatchString(name) {
		return ErrHolderName
	}
	return nil
}

// KnownHolderLine is the line that pins pub for name, with its newline.
func KnownHolderLine(name string, pub ed25519.PublicKey) (string, error) {
	if err := CheckHolderName(name); err != nil {
		return "", err
	}
	if len(pub) != ed25519.PublicKeySize {
		return "", errors.New("not an ed25519 public key")
	}
	return name + " " + crypto.SSHPublicKeyLine(pub, "") + "\n", nil
}
