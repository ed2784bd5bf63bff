//go:build !linux

package fsutil

import "io"

// writeUnnamed is Linux-only (O_TMPFILE); elsewhere NoReplace writes through a named
// temporary file.
func writeUnnamed(dir, path, base string, write func(io.Writer) error) (ok bool, err error) {
	return false, nil
}
