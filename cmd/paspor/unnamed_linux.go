//go:build linux

package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"

	"golang.org/x/sys/unix"

	"github.com/paspor/paspor/internal/fsutil"
)

// writeFileUnnamed writes r to a new file at path that has no name until it is complete: an
// O_TMPFILE inode in path's folder (0600), fsynced, then linked into place. A process killed
// while writing leaves nothing behind: the kernel frees an unnamed inode when its last file
// descriptor closes. ok is false, with nothing read from r, when the file system cannot make
// unnamed files; the caller then writes through a named temporary file.
func writeFileUnnamed(path string, r io.Reader) (ok bool, err error) {
	dir := filepath.Dir(path)
	fd, err := unix.Open(dir, unix.O_TMPFILE|unix.O_WRONLY|unix.O_CLOEXEC, fsutil.FilePerm)
	if err != nil {
		if errors.Is(err, unix.EOPNOTSUPP) || errors.Is(err, unix.EISDIR) || errors.Is(err, unix.EINVAL) {
			return false, nil
		}
		return true, fmt.Errorf("failed to create %s: %w", path, err)
	}
	f := os.NewFile(uintptr(fd), path)
	defer f.Close()
	if _, err := io.Copy(f, r); err != nil {
		return true, err
	}
	if err := f.Sync(); err != nil {
		return true, fmt.Errorf("failed to write %s: %w", path, err)
	}
	// linkat through /proc needs no privilege (AT_EMPTY_PATH would need CAP_DAC_READ_SEARCH).
	err = unix.Linkat(unix.AT_FDCWD, "/proc/self/fd/"+strconv.Itoa(int(f.Fd())), unix.AT_FDCWD, path, unix.AT_SYMLINK_FOLLOW)
	if errors.Is(err, unix.EEXIST) {
		return true, errorWithHint(exitExists, fmt.Sprintf("%s already exists", path), "choose another -o path or remove it first")
	}
	if err != nil {
		return true, fmt.Errorf("failed to put %s in place: %w", path, err)
	}
	return true, fsutil.SyncDir(dir)
}
