package main

// Reading the holder's files and writing results to disk, for every command.

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/paspor/paspor/internal/fsutil"
)

// isStdio reports whether a path argument means standard input or output: "-", or for an
// output no path at all, as in age.
func isStdio(path string) bool { return path == "" || path == "-" }

// checkOutput checks, before anything is unlocked, that binary output (what, e.g. "a scan")
// can go to path: standard output ("-" or no path) or an existing FIFO or character device
// (/dev/stdout, a named pipe), both refused when they are a terminal unless armored, as in
// age; else a new file, which must not exist, in a folder that does. canArmor says whether
// the command has --armor, for the hint.
func checkOutput(g *globals, path, what string, armored, canArmor bool) error {
	terminal := false
	switch {
	case isStdio(path):
		terminal = isTerminal(g.stdout)
	case isSpecialFile(path):
		if f, err := os.OpenFile(path, os.O_WRONLY, 0); err == nil {
			terminal = isTerminal(f)
			f.Close()
		}
	default:
		if _, err := os.Lstat(path); err == nil {
			return errorWithHint(exitExists, fmt.Sprintf("%s already exists", path), "choose another -o path or remove it first")
		}
		// Checked here, so the error names the folder and not a temporary file in it.
		if dir := filepath.Dir(path); !isDir(dir) {
			return errorWithHint(exitNotFound, fmt.Sprintf("folder %s does not exist", dir), "create it first or choose another -o path")
		}
		return nil
	}
	if !terminal || armored {
		return nil
	}
	hint := "pass -o FILE or redirect stdout"
	if canArmor {
		hint = "pass -o FILE, redirect stdout, or pass --armor for a text bundle"
	}
	return usageError("refusing to write "+what+" to the terminal", hint)
}

// isSpecialFile reports whether path names an existing FIFO or character device: output to it
// is written in place (there is nothing to replace atomically).
func isSpecialFile(path string) bool {
	st, err := os.Stat(path)
	return err == nil && st.Mode()&(os.ModeNamedPipe|os.ModeCharDevice) != 0
}

// writeOutput lets write fill the output named by path (see checkOutput): standard output,
// a FIFO or device written in place, or else a new file written atomically.
func writeOutput(g *globals, path string, write func(io.Writer) error) error {
	switch {
	case isStdio(path):
		return write(g.stdout)
	case isSpecialFile(path):
		f, err := os.OpenFile(path, os.O_WRONLY, 0)
		if err != nil {
			return fmt.Errorf("failed to open %s: %w", path, err)
		}
		if err := write(f); err != nil {
			f.Close()
			return err
		}
		if err := f.Close(); err != nil {
			return fmt.Errorf("failed to write %s: %w", path, err)
		}
		return nil
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

// stdinOnce checks the paths of one kind of input (what: "recipients file"): at most one
// may be "-", and not when the passphrase is read from standard input too.
func stdinOnce(g *globals, what string, paths ...string) error {
	n := 0
	for _, p := range paths {
		if p == "-" {
			n++
		}
	}
	switch {
	case n > 1:
		return usageError(fmt.Sprintf("only one %s can come from standard input (-)", what), "give the others as files")
	case n == 1 && (g.passphraseFile == "-" || (g.passphraseFile == "" && os.Getenv("PASPOR_PASSPHRASE_FILE") == "-")):
		return usageError(fmt.Sprintf("the passphrase and the %s cannot both come from standard input", what),
			"read the passphrase from a file or PASPOR_PASSPHRASE")
	}
	return nil
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
