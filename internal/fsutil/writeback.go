package fsutil

import (
	"io"
	"os"
)

// WritebackSize is how much is written between two writeback hints (see NewWriteback).
const WritebackSize = 8 << 20

// NewWriteback returns a writer to f that asks the kernel, after every WritebackSize bytes,
// to start writing them to disk without waiting (sync_file_range with SYNC_FILE_RANGE_WRITE
// on Linux; nothing elsewhere). The disk then works while the rest of a large file is still
// being produced, so the fsync that ends it has little left to do. It is only a hint:
// durability still comes from that fsync alone, so the hint's own errors are ignored.
func NewWriteback(f *os.File) io.Writer { return &writeback{f: f} }

type writeback struct {
	f                *os.File
	written, started int64
}

func (w *writeback) Write(p []byte) (int, error) {
	n, err := w.f.Write(p)
	w.written += int64(n)
	if w.written-w.started >= WritebackSize {
		startWriteback(w.f, w.started, w.written-w.started)
		w.started = w.written
	}
	return n, err
}
