//go:build !unix

package export

import (
	"errors"
	"os"
)

// errLockHeld is what lockDir returns, non-blocking: without flock no staging folder can be
// shown to be abandoned, so none is swept.
var errLockHeld = errors.New("staging folder may be in use")

// lockDir opens the folder without locking it; a non-blocking call always reports it held.
func lockDir(path string, nonBlocking bool) (*os.File, error) {
	if nonBlocking {
		return nil, errLockHeld
	}
	return os.Open(path)
}
