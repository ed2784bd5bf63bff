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

// isStdio reports whether a path argument means standard input or output: "-", or for an
// output no path at all, as in age.
func isStdio(path string) bool { return path == "" || path == "-" }

// refuseBinaryToTerminal refuses binary output (what, e.g. "a scan") to a terminal, where it
// would garble the screen; armored output is text and allowed, as in age. canArmor says
// whether the command has --armor, for the hint.
func refuseBinaryToTerminal(g *globals, what string, armored, canArmor bool) error {
	if armored || !isTerminal(g.stdout) {
		return nil
	}
	hint := "pass -o FILE or redirect stdout"
	if canArmor {
		hint = "pass -o FILE, redirect stdout, or pass --armor for a text bundle"
	}
	return usageError("refusing to write "+what+" to the terminal", hint)
}

// writeOutput lets write fill the output named by path: standard output for "-" or no path,
// else a new file written atomically (writeFileAtomicFunc).
func writeOutput(g *globals, path string, write func(io.Writer) error) error {
	if isStdio(path) {
		return write(g.stdout)
	}
	return writeFileAtomicFunc(path, write)
}

// stdinScans checks the scan paths of one command: at most one may be "-" (standard input),
// and not when the passphrase is read from standard input too.
func stdinScans(g *globals, paths ...string) error {
	n := 0
	for _, p := range paths {
		if p == "-" {
			n++
		}
	}
	switch {
	case n > 1:
		return usageError("only one scan can come from standard input (-)", "give the other scans as files")
	case n == 1 && (g.passphraseFile == "-" || (g.passphraseFile == "" && os.Getenv("PASPOR_PASSPHRASE_FILE") == "-")):
		return usageError("the passphrase and a scan cannot both come from standard input",
			"read the passphrase from a file or PASPOR_PASSPHRASE")
	}
	return nil
}

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

// openScan opens an attachment file (standard input for "-"), with a progress bar on a
// terminal for large ones.
func openScan(ctx context.Context, g *globals, path string) (io.Reader, io.Closer, error) {
	if path == "-" {
		return interruptible(ctx, g.stdin), io.NopCloser(nil), nil
	}
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
