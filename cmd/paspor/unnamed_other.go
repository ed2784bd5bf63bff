//go:build !linux

package main

import "io"

// writeFileUnnamed is Linux-only (O_TMPFILE); elsewhere the caller writes through a named
// temporary file.
func writeFileUnnamed(path string, r io.Reader) (ok bool, err error) { return false, nil }
