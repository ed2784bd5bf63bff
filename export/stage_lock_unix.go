//go:build unix

package export

import (
	"os"
	"syscall"
)

// errLockHeld is what lockDir returns, non-blocking, for a folder another open holds.
var errLockHeld error = syscall.EWOULDBLOCK

// lockDir takes an exclusive flock on the folder at path; the lock ends when the returned file
// is closed or the process dies. With nonBlocking, a held lock gives errLockHeld.
func lockDir(path string, nonBlocking bool) (*os.File, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	how := syscall.LOCK_EX
	if nonBlocking {
		how |= syscall.LOCK_NB
	}
	if err := syscall.Flock(int(f.Fd()), how); err != nil {
		f.Close()
		return nil, err
	}
	return f, nil
}
