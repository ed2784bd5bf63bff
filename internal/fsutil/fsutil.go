package fsutil

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"syscall"
)

// FilePerm is the mode of every file written here: secrets and documents are the holder's only.
const FilePerm = 0o600

// Mode says what happens when the target already exists.
type Mode int

const (
	// NoReplace fails with an error matching os.ErrExist when the target exists, even if it
	// appeared while the content was written: the file is linked into place, never renamed.
	NoReplace Mode = iota
	// Replace atomically swaps the new file in for an existing one (rename).
	Replace
)

// WriteFile writes data to path atomically (see WriteFileFunc).
func WriteFile(path string, data []byte, mode Mode) error {
	return WriteFileFunc(path, mode, func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	})
}

// WriteFileFunc lets write fill a temporary file in path's folder (mode 0600, created with
// O_EXCL), fsyncs and closes it, puts it in place according to mode and fsyncs the folder. On
// any failure, including an error from write, the temporary file is removed and nothing is left
// at path; write's own error is returned unwrapped so callers can match it. With NoReplace on
// Linux the temporary file has no name at all (O_TMPFILE), so even a process killed by SIGKILL
// while writing leaves nothing behind.
func WriteFileFunc(path string, mode Mode, write func(io.Writer) error) error {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	if mode == NoReplace {
		if ok, err := writeUnnamed(dir, path, base, write); ok {
			return err
		}
	}
	// CreateTemp opens with O_CREATE|O_EXCL and mode 0600.
	tmp, err := os.CreateTemp(dir, "."+base+".tmp-*")
	if err != nil {
		return fmt.Errorf("failed to create a temporary file for %s: %w", path, err)
	}
	defer os.Remove(tmp.Name()) // a no-op once renamed; removes the extra link after Link
	if err := write(NewWriteback(tmp)); err != nil {
		tmp.Close()
		return namedFor(err, tmp.Name(), path)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("failed to write %s: %w", path, namedFor(err, tmp.Name(), path))
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("failed to write %s: %w", path, namedFor(err, tmp.Name(), path))
	}
	switch mode {
	case Replace:
		err = os.Rename(tmp.Name(), path)
	default:
		err = os.Link(tmp.Name(), path)
	}
	if err != nil {
		return fmt.Errorf("failed to put %s in place: %w", path, namedFor(err, tmp.Name(), path))
	}
	return SyncDir(dir)
}

// namedFor makes a file-system error about the temporary file tmp name path instead, the
// file the caller asked for: a message never shows a temporary name the user never gave.
func namedFor(err error, tmp, path string) error {
	var pe *os.PathError
	if errors.As(err, &pe) && pe.Path == tmp {
		pe.Path = path
	}
	var le *os.LinkError
	if errors.As(err, &le) && le.Old == tmp {
		return fmt.Errorf("%s: %w", le.Op, le.Err)
	}
	return err
}

// SyncDir fsyncs the folder dir so that a file created, renamed or removed in it survives a
// crash. Every failure is returned, except that a platform or filesystem that cannot fsync a
// folder at all (Windows; EINVAL or ENOTSUP from the filesystem) counts as success: there is
// nothing more to make durable there.
func SyncDir(dir string) error {
	if runtime.GOOS == "windows" {
		return nil // NTFS journals the rename itself; a folder cannot be opened for fsync
	}
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("failed to sync folder %s: %w", dir, err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil && !errors.Is(err, syscall.EINVAL) && !errors.Is(err, syscall.ENOTSUP) {
		return fmt.Errorf("failed to sync folder %s: %w", dir, err)
	}
	return nil
}
