package main

import (
	"bytes"
	"crypto/ed25519"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/adrg/xdg"

	"github.com/paspor/paspor/crypto"
	"github.com/paspor/paspor/export"
)

// holderPins is what open pins the holder to: a key from --holder, or NAME's key from the
// known-holders file (--holder-name), and that file's content for naming known keys.
type holderPins struct {
	key       ed25519.PublicKey // nil: not pinned
	name      string
	nameKnown bool
	path      string
	known     *export.KnownHolders
}

// defaultKnownHolders is the known-holders file open reads when --known-holders is not given.
func defaultKnownHolders() string {
	xdg.Reload()
	return filepath.Join(xdg.ConfigHome, "paspor", "known_holders")
}

// resolveHolderPins reads the known-holders file (standard input for "-", read only) and
// resolves --holder and --holder-name against it.
func resolveHolderPins(g *globals, opts openOptions) (*holderPins, error) {
	p := &holderPins{path: opts.knownHolders, name: opts.holderName}
	if p.path == "" {
		p.path = defaultKnownHolders()
	}
	var f io.ReadCloser
	var err error
	if p.path == "-" {
		f, p.path = io.NopCloser(g.stdin), "(standard input)"
	} else {
		f, err = os.Open(p.path)
	}
	switch {
	case errors.Is(err, fs.ErrNotExist):
		p.known, _ = export.ParseKnownHolders(bytes.NewReader(nil))
	case err != nil:
		return nil, fmt.Errorf("failed to read the known-holders file: %w", err)
	default:
		p.known, err = export.ParseKnownHolders(f)
		f.Close()
		if err != nil {
			return nil, err
		}
	}
	if opts.holder != "" {
		if p.key, err = parseHolderFlag(opts.holder); err != nil {
			return nil, err
		}
	}
	if p.name == "" {
		return p, nil
	}
	if err := export.CheckHolderName(p.name); err != nil {
		return nil, usageError("--holder-name: "+err.Error(), "for example --holder-name customer-4711")
	}
	pinned, ok := p.known.Lookup(p.name)
	switch {
	case ok && p.key != nil && !bytes.Equal(pinned, p.key):
		return nil, errorWithHint(exitInvalidInput, "--holder differs from the key pinned for "+p.name+" in "+p.path,
			"if the holder really has a new key, remove their line from the known-holders file first")
	case ok:
		p.key, p.nameKnown = pinned, true
	case !opts.remember:
		return nil, errorWithHint(exitNotFound, p.name+" is not in the known-holders file "+p.path,
			"to pin this holder to the key of this bundle, add --remember (after checking the fingerprint with them)")
	}
	return p, nil
}

// annotate adds what the known-holders file says about a verified bundle's holder.
func (p *holderPins) annotate(s *openSummary) {
	if s.err != nil {
		return
	}
	if p.nameKnown {
		s.HolderName = p.name
	}
	if pub, err := crypto.ParseHolderKey(s.Holder); err == nil {
		s.KnownAs = p.known.NameOf(pub)
	}
}

// remember appends the verified holder's key under --holder-name to the known-holders file.
func (p *holderPins) remember(s *openSummary) error {
	if p.nameKnown {
		return nil
	}
	pub, err := crypto.ParseHolderKey(s.Holder)
	if err != nil {
		return err
	}
	line, err := export.KnownHolderLine(p.name, pub)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(p.path), 0o700); err != nil {
		return fmt.Errorf("failed to create the known-holders folder: %w", err)
	}
	f, err := os.OpenFile(p.path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return fmt.Errorf("failed to open the known-holders file: %w", err)
	}
	_, err = f.WriteString(line)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("failed to write the known-holders file: %w", err)
	}
	s.HolderName, s.Remembered = p.name, true
	return nil
}
