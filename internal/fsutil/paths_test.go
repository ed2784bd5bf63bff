package fsutil

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestErrorsNameThePath: a write that fails on the temporary file reports the path the
// caller asked for, never the temporary name, in either mode.
func TestErrorsNameThePath(t *testing.T) {
	for _, mode := range []Mode{Replace, NoReplace} {
		dir := t.TempDir()
		path := filepath.Join(dir, "x.age")
		err := WriteFileFunc(path, mode, func(w io.Writer) error {
			f := w.(*writeback).f
			f.Close() // the next write fails with a *PathError naming the file
			_, err := w.Write([]byte("x"))
			return err
		})
		if err == nil {
			t.Fatalf("mode %v: a failed write succeeded", mode)
		}
		if msg := err.Error(); strings.Contains(msg, ".tmp-") || !strings.Contains(msg, path) {
			t.Errorf("mode %v: %q does not name %s (or names a temporary file)", mode, msg, path)
		}
		if entries, _ := os.ReadDir(dir); len(entries) != 0 {
			t.Errorf("mode %v: left %d file(s) behind", mode, len(entries))
		}
	}
}
