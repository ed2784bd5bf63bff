package main

// Reading the holder's files and writing results to disk, for every command.

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/paspor/paspor/internal/fsutil"
)

// writeFileAtomic writes r to path through a temporary file in the same folder (0600),
// synced and linked into place only when r ended cleanly; path must not exist.
func writeFileAtomic(path string, r io.Reader) error {
	return writeFileAtomicFunc(path, func(w io.Writer) error {
		_, err := io.Copy(w, r)
		return err
	})
}

// writeFileAtomicFunc lets write fill a new file at path (see fsutil.WriteFileFunc); a path
// that appeared meanwhile is never overwritten.
func writeFileAtomicFunc(path string, write func(io.Writer) error) error {
	err := fsutil.WriteFileFunc(path, fsutil.NoReplace, write)
	if errors.Is(err, os.ErrExist) {
		return errorWithHint(exitExists, fmt.Sprintf("%s already exists", path), "choose another -o path or remove it first")
	}
	return err
}

func isDir(path string) bool {
	st, err := os.Stat(path)
	return err == nil && st.IsDir()
}

// openScan opens an attachment file, with a progress bar on a terminal for large ones.
func openScan(ctx context.Context, g *globals, path string) (io.Reader, io.Closer, error) {
	f, err := os.Open(path)
	if err != nil {
		if os.IsNotExist(err) {
			return nil, nil, errorWithHint(exitNotFound, fmt.Sprintf("file %s does not exist", path))
		}
		return nil, nil, fmt.Errorf("failed to open %s: %w", path, err)
	}
	st, err := f.Stat()
	if err != nil || st.IsDir() {
		f.Close()
		return nil, nil, errorWithHint(exitInvalidInput, fmt.Sprintf("%s is a folder, not a file", path))
	}
	// Pipes are fine (--file <(gpg -d scan.pdf.gpg)): the size cap still applies as they stream.
	size := st.Size()
	if !st.Mode().IsRegular() {
		size = 0 // unknown: no progress bar
	}
	return withProgress(g, interruptible(ctx, f), size, "storing "+st.Name()), f, nil
}

// readCloser pairs a wrapped reader with the closer of what it wraps.
type readCloser struct {
	io.Reader
	io.Closer
}

const maxIdentityFileSize = 1 << 20

func readIdentityFile(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, errorWithHint(exitNotFound, fmt.Sprintf("identity file %s does not exist", path))
		}
		return nil, fmt.Errorf("failed to open identity file: %w", err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxIdentityFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("failed to read identity file: %w", err)
	}
	if len(data) > maxIdentityFileSize {
		return nil, errorWithHint(exitInvalidInput, fmt.Sprintf("identity file %s is too large", path))
	}
	return data, nil
}
