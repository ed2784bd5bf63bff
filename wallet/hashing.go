package wallet

import (
	"hash"
	"io"
)

// asyncHash feeds a hash from its own goroutine, so that hashing an attachment runs on one
// core while encryption runs on another. Writes copy into a few pooled buffers: memory is
// bounded (hashBuffers × hashBufferSize) whatever the file size.
type asyncHash struct {
	h    hash.Hash
	work chan []byte
	free chan []byte
	done chan struct{}
}

const (
	hashBuffers    = 4
	hashBufferSize = 256 << 10
)

func newAsyncHash(h hash.Hash) *asyncHash {
	a := &asyncHash{h: h, work: make(chan []byte, hashBuffers), free: make(chan []byte, hashBuffers),
		done: make(chan struct{})}
	for range hashBuffers {
		a.free <- make([]byte, 0, hashBufferSize)
	}
	go func() {
		defer close(a.done)
		for b := range a.work {
			a.h.Write(b)
			a.free <- b[:0]
		}
	}()
	return a
}

// Write queues a copy of p for hashing; it blocks only while every buffer is in use.
func (a *asyncHash) Write(p []byte) (int, error) {
	n := len(p)
	for len(p) > 0 {
		b := <-a.free
		k := min(cap(b), len(p))
		a.work <- append(b, p[:k]...)
		p = p[k:]
	}
	return n, nil
}

// Sum waits for the queued data and returns the digest. It must be called exactly once, on
// every path (it also ends the goroutine).
func (a *asyncHash) Sum() []byte {
	close(a.work)
	<-a.done
	return a.h.Sum(nil)
}

// copyBuffered copies src to dst through a large buffer: fewer, bigger reads than io.Copy's
// 32 KiB, which matters when a scan is hundreds of MiB.
func copyBuffered(dst io.Writer, src io.Reader) (int64, error) {
	buf := make([]byte, hashBufferSize)
	var total int64
	for {
		n, err := src.Read(buf)
		if n > 0 {
			if _, werr := dst.Write(buf[:n]); werr != nil {
				return total, werr
			}
			total += int64(n)
		}
		if err == io.EOF {
			return total, nil
		}
		if err != nil {
			return total, err
		}
	}
}
