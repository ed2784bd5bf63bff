//go:build linux

package fsutil

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"

	"golang.org/x/sys/unix"
)

// writeUnnamed is NoReplace on Linux: the content goes to an O_TMPFILE inode in dir (0600) that
// has no name until it is complete, fsynced, then linked into place. A process killed while
// writing leaves nothing behind, not even a temporary name: the kernel frees an unnamed inode
// when its last descriptor closes. ok is false, before write is called, when the filesystem
// cannot make unnamed files; the caller then writes through a named temporary file.
func writeUnnamed(dir, path, base string, write func(io.Writer) error) (ok bool, err error) {
	fd, err := unix.Open(dir, unix.O_TMPFILE|unix.O_WRONLY|unix.O_CLOEXEC, FilePerm)
	if err != nil {
		if errors.Is(err, unix.EOPNOTSUPP) || errors.Is(err, unix.EISDIR) || errors.Is(err, unix.EINVAL) {
			return false, nil
		}
		return true, fmt.Errorf("failed to create %s: %w", path, err)
	}
	f := os.NewFile(uintptr(fd), path)
	defer f.Close()
	if err := write(NewWriteback(f)); err != nil {
		return true, err
	}
	if err := f.Sync(); err != nil {
		return true, fmt.Errorf("failed to write %s: %w", path, err)
	}
	// linkat through /proc needs no privilege (AT_EMPTY_PATH would need CAP_DAC_READ_SEARCH);
	// like link(2) it fails with EEXIST, which matches os.ErrExist, when path exists.
	err = unix.Linkat(unix.AT_FDCWD, "/proc/self/fd/"+strconv.Itoa(int(f.Fd())), unix.AT_FDCWD, path, unix.AT_SYMLINK_FOLLOW)
	if err != nil {
		return true, fmt.Errorf("failed to put %s in place: %w", path, err)
	}
	return true, SyncDir(dir)
}
