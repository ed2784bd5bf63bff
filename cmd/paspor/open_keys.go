package main

import (
	"crypto/ed25519"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"

	"github.com/paspor/paspor/crypto"
	"github.com/paspor/paspor/internal/termsafe"
)

// The keys open reads: the partner's identities and the holder pin.

func readIdentities(paths []string) ([]crypto.PartnerIdentity, error) {
	var ids []crypto.PartnerIdentity
	for _, path := range paths {
		data, err := readIdentityFile(path)
		if err != nil {
			return nil, err
		}
		parsed, err := crypto.ParseIdentityFile(data)
		clear(data)
		if err != nil {
			return nil, errorWithHint(exitInvalidInput, fmt.Sprintf("identity file %s: %s", termsafe.Escape(path), lower(err.Error())))
		}
		ids = append(ids, parsed...)
	}
	return ids, nil
}

// parseHolderFlag accepts the path of a file holding a key line, or the key line itself. A
// value that names an existing file is that file, whatever it starts with (ssh-keys/h.pub
// is a path); only a value that names no file, starts with ssh- and has the blank between
// key type and key may be a key line. Anything else is a key file that is not there.
func parseHolderFlag(v string) (ed25519.PublicKey, error) {
	text := v
	data, err := os.ReadFile(v)
	switch {
	case err == nil:
		text = string(data)
	case errors.Is(err, fs.ErrNotExist) && strings.HasPrefix(strings.TrimSpace(v), "ssh-") &&
		strings.ContainsAny(strings.TrimSpace(v), " \t"):
		// not a file: a key line
	default:
		return nil, errorWithHint(exitNotFound, fmt.Sprintf("holder key file %s cannot be read", termsafe.Escape(v)),
			"--holder takes an ssh-ed25519 line or a file holding one (the holder's paspor key)")
	}
	pub, err := crypto.ParseHolderKey(text)
	if err != nil {
		return nil, usageError("--holder is not an ssh-ed25519 public key", "ask the holder for the output of: paspor key")
	}
	return pub, nil
}
