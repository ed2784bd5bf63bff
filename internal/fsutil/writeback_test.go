package fsutil

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// TestWritebackPassesEverything: the writeback hints never change what is written, across
// several hint boundaries and writes that straddle them.
func TestWritebackPassesEverything(t *testing.T) {
	path := filepath.Join(t.TempDir(), "f")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	w := NewWriteback(f)
	var want bytes.Buffer
	chunk := make([]byte, WritebackSize/3+11)
	for i := range 10 {
		for j := range chunk {
			chunk[j] = byte(i + j)
		}
		if n, err := w.Write(chunk); err != nil || n != len(chunk) {
			t.Fatalf("write %d: %d, %v", i, n, err)
		}
		want.Write(chunk)
	}
	got, err := os.ReadFile(path)
	if err != nil || !bytes.Equal(got, want.Bytes()) {
		t.Fatalf("file differs from what was written (%d vs %d bytes, %v)", len(got), want.Len(), err)
	}
}
