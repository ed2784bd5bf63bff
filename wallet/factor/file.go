package factor

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"github.com/paspor/paspor/internal/fsutil"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
)

// File keeps the device secret in a key file, for headless machines without an OS
// keyring. The file must live apart from the wallet file and its backups: together with the
// wallet they leave only the passphrase between an attacker and the data.
//
// The file holds two comment lines and one line "PASPOR-FACTOR-1 <walletID> <base64 secret>".
// It is created 0600 with O_EXCL (like age-keygen and ssh-keygen), replaced atomically (temp
// file, fsync, rename, fsync of the folder), and refused when group or others can read it
// (like ssh). The pending secret of a rotation lives in Path+".pending".
type File struct {
	Path string // the key file; its folder is created 0700 if missing
}

const (
	factorFileMagic      = "PASPOR-FACTOR-1"
	factorFileMaxSize    = 4 << 10 // a key file is ~200 bytes; anything big is not one
	factorPendingSuffix  = ".pending"
	factorFilePerm       = 0o600
	factorFileFolderPerm = 0o700
)

// Kind returns "file".
func (f File) Kind() string { return KindFile }

// Describe returns "key file <path>".
func (f File) Describe() string { return "key file " + f.Path }

func (f File) pendingPath() string { return f.Path + factorPendingSuffix }

// FormatFile returns the content of a key file holding secret for walletID.
func FormatFile(walletID string, secret []byte) []byte {
	return fmt.Appendf(nil, "# paspor device secret for wallet %s\n"+
		"# keep it apart from the wallet file and its backups\n"+
		"%s %s %s\n", walletID, factorFileMagic, walletID, base64.StdEncoding.EncodeToString(secret))
}

// ParseFile parses a key file. Errors name the line but never repeat its content, which
// may be (part of) the secret. Blank lines, lines starting with '#' and CRLF line ends are
// accepted; exactly one PASPOR-FACTOR-1 line must be present.
func ParseFile(data []byte) (walletID string, secret []byte, err error) {
	if len(data) > factorFileMaxSize {
		return "", nil, &KeyFileError{Problem: KeyFileMalformed, Detail: fmt.Sprintf("larger than %d bytes", factorFileMaxSize)}
	}
	found := false
	for n, line := range bytes.Split(data, []byte("\n")) {
		line = bytes.TrimSuffix(line, []byte("\r"))
		if len(bytes.TrimSpace(line)) == 0 || line[0] == '#' {
			continue
		}
		bad := func(why string) (string, []byte, error) {
			return "", nil, &KeyFileError{Problem: KeyFileMalformed, Detail: fmt.Sprintf("line %d: %s", n+1, why)}
		}
		if found {
			return bad("more than one device secret")
		}
		fields := bytes.Split(line, []byte(" "))
		if len(fields) != 3 || string(fields[0]) != factorFileMagic {
			return bad("not a paspor key file line")
		}
		walletID = string(fields[1])
		if checkFactorWalletID(walletID) != nil {
			return bad("malformed wallet ID")
		}
		secret, err = base64.StdEncoding.Strict().DecodeString(string(fields[2]))
		if err != nil || len(secret) != factorSecretSize {
			return bad("malformed device secret")
		}
		found = true
	}
	if !found {
		return "", nil, &KeyFileError{Problem: KeyFileMalformed, Detail: "no device secret in it (truncated or not a paspor key file)"}
	}
	return walletID, secret, nil
}

// read loads one key file for walletID; found is false when the file does not exist.
func (f File) read(path, walletID string) (secret []byte, found bool, err error) {
	data, info, err := readFactorFileBytes(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	// Like ssh with private keys: a key file others can read is refused, not silently used.
	// Windows has no such bits; its ACLs are the user's business.
	if perm := info.Mode().Perm(); perm&0o077 != 0 && runtime.GOOS != "windows" {
		return nil, false, &KeyFileError{Path: path, Problem: KeyFileTooOpen, Perm: perm}
	}
	id, secret, err := ParseFile(data)
	if err != nil {
		var kf *KeyFileError
		if errors.As(err, &kf) {
			return nil, false, &KeyFileError{Path: path, Problem: kf.Problem, Detail: kf.Detail}
		}
		return nil, false, err
	}
	if id != walletID {
		return nil, false, &KeyFileError{Path: path, Problem: KeyFileForeign}
	}
	return secret, true, nil
}

// checkNotForeign refuses to overwrite or delete a key file that belongs to another wallet:
// that would destroy the other wallet's second factor. Missing or unreadable files pass, so
// that recovery can replace a damaged file.
func (f File) checkNotForeign(path, walletID string) error {
	data, _, err := readFactorFileBytes(path)
	if err != nil {
		return nil
	}
	if id, _, err := ParseFile(data); err == nil && id != walletID {
		return &KeyFileError{Path: path, Problem: KeyFileForeign}
	}
	return nil
}

// readFactorFileBytes reads a key file of bounded size. It stats before opening because
// opening a FIFO planted at the path would block (design S10).
func readFactorFileBytes(path string) ([]byte, fs.FileInfo, error) {
	info, err := os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil, err
	}
	if err != nil {
		return nil, nil, fmt.Errorf("failed to read key file: %w", err)
	}
	if !info.Mode().IsRegular() {
		return nil, nil, &KeyFileError{Path: path, Problem: KeyFileNotRegular}
	}
	file, err := os.Open(path)
	if err != nil {
		return nil, nil, fmt.Errorf("failed to read key file: %w", err)
	}
	defer file.Close()
	data, err := io.ReadAll(io.LimitReader(file, factorFileMaxSize+1))
	if err != nil {
		return nil, nil, fmt.Errorf("failed to read key file: %w", err)
	}
	return data, info, nil
}

// Load returns the current and the pending secret; see [Store].
func (f File) Load(ctx context.Context, walletID string) (current, pending []byte, err error) {
	if err := checkFactorWalletID(walletID); err != nil {
		return nil, nil, err
	}
	current, hasCurrent, err := f.read(f.Path, walletID)
	if err != nil {
		return nil, nil, err
	}
	pending, hasPending, err := f.read(f.pendingPath(), walletID)
	if err != nil {
		return nil, nil, err
	}
	if !hasCurrent && !hasPending {
		return nil, nil, fmt.Errorf("no device secret for wallet %s: %s does not exist: %w", walletID, f.Path, ErrMissing)
	}
	return current, pending, nil
}

// Create writes the key file with O_EXCL and mode 0600; see [Store].
func (f File) Create(ctx context.Context, walletID string, secret []byte) error {
	if err := checkFactorArgs(walletID, secret); err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(f.Path), factorFileFolderPerm); err != nil {
		return fmt.Errorf("failed to create the key file folder: %w", err)
	}
	file, err := os.OpenFile(f.Path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, factorFilePerm)
	if errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("key file %s already exists (%w)", f.Path, ErrExists)
	}
	if err != nil {
		return fmt.Errorf("failed to create key file: %w", err)
	}
	if err := writeFactorFile(file, FormatFile(walletID, secret)); err != nil {
		os.Remove(f.Path) // a half-written key file would fail every later Create and Load
		return fmt.Errorf("failed to write key file: %w", err)
	}
	if err := f.removeFile(f.pendingPath()); err != nil {
		return err
	}
	return syncFactorFolder(f.Path)
}

// Save replaces the key file atomically and removes any pending one; see [Store].
func (f File) Save(ctx context.Context, walletID string, secret []byte) error {
	if err := checkFactorArgs(walletID, secret); err != nil {
		return err
	}
	if err := f.checkNotForeign(f.Path, walletID); err != nil {
		return err
	}
	if err := f.replace(f.Path, FormatFile(walletID, secret)); err != nil {
		return err
	}
	if err := f.removeFile(f.pendingPath()); err != nil {
		return err
	}
	return syncFactorFolder(f.Path)
}

// Stage writes the pending key file atomically; see [Store].
func (f File) Stage(ctx context.Context, walletID string, secret []byte) error {
	if err := checkFactorArgs(walletID, secret); err != nil {
		return err
	}
	if err := f.checkNotForeign(f.Path, walletID); err != nil {
		return err
	}
	return f.replace(f.pendingPath(), FormatFile(walletID, secret))
}

// Promote renames the pending key file over the current one: rename is atomic, so a crash
// leaves either the old pair (current, pending) or the new current alone.
func (f File) Promote(ctx context.Context, walletID string) error {
	if err := checkFactorWalletID(walletID); err != nil {
		return err
	}
	// Check what is about to become current: never promote a damaged or foreign file.
	_, found, err := f.read(f.pendingPath(), walletID)
	if err != nil {
		return err
	}
	if !found {
		return fmt.Errorf("no pending device secret for wallet %s: %s does not exist: %w", walletID, f.pendingPath(), ErrMissing)
	}
	if err := os.Rename(f.pendingPath(), f.Path); err != nil {
		return fmt.Errorf("failed to promote the pending key file: %w", err)
	}
	return syncFactorFolder(f.Path)
}

// Discard removes the pending key file; see [Store].
func (f File) Discard(ctx context.Context, walletID string) error {
	if err := checkFactorWalletID(walletID); err != nil {
		return err
	}
	if err := f.checkNotForeign(f.pendingPath(), walletID); err != nil {
		return err
	}
	if err := f.removeFile(f.pendingPath()); err != nil {
		return err
	}
	return syncFactorFolder(f.Path)
}

// Delete removes the pending and the current key file; see [Store].
func (f File) Delete(ctx context.Context, walletID string) error {
	if err := checkFactorWalletID(walletID); err != nil {
		return err
	}
	for _, path := range []string{f.pendingPath(), f.Path} {
		if err := f.checkNotForeign(path, walletID); err != nil {
			return err
		}
	}
	for _, path := range []string{f.pendingPath(), f.Path} {
		if err := f.removeFile(path); err != nil {
			return err
		}
	}
	return syncFactorFolder(f.Path)
}

// replace writes data to a new temp file beside path (O_EXCL, 0600), fsyncs it and renames it
// over path, so readers see the old file or the new one, never a mix.
func (f File) replace(path string, data []byte) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, factorFileFolderPerm); err != nil {
		return fmt.Errorf("failed to create the key file folder: %w", err)
	}
	// CreateTemp opens with O_EXCL and mode 0600.
	tmp, err := os.CreateTemp(dir, filepath.Base(path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("failed to create a temporary key file: %w", err)
	}
	if err := writeFactorFile(tmp, data); err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("failed to write key file: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("failed to replace key file: %w", err)
	}
	return syncFactorFolder(path)
}

func (f File) removeFile(path string) error {
	if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("failed to remove key file: %w", err)
	}
	return nil
}

// writeFactorFile writes, fsyncs and closes file.
func writeFactorFile(file *os.File, data []byte) error {
	_, err := file.Write(data)
	if err == nil {
		err = file.Sync()
	}
	if cerr := file.Close(); err == nil {
		err = cerr
	}
	return err
}

// syncFactorFolder makes a key file's creation, replacement or removal durable.
func syncFactorFolder(path string) error { return fsutil.SyncDir(filepath.Dir(path)) }
