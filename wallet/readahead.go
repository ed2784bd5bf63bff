package wallet

import (
	"io"
	"sync"
)

// readAhead reads its source on a goroutine of its own, a few buffers ahead of the caller:
// an attachment's decryption and hash check run on one core while the caller (a bundle
// being encrypted, a file being written) works on another. Memory is bounded
// (readAheadBuffers × readAheadSize) whatever the attachment size. Close stops the
// goroutine and waits for it before closing the source, so the source is never read after
// Close returned.
type readAhead struct {
	src    io.Reader
	closer io.Closer
	full   chan readAheadChunk
	free   chan []byte
	stop   chan struct{}
	done   chan struct{}
	cur    readAheadChunk
	off    int
	err    error // the source's final error (io.EOF at the end), once reached
	once   sync.Once
}

type readAheadChunk struct {
	buf []byte
	err error
}

const (
	readAheadBuffers = 3
	readAheadSize    = 256 << 10
)

func newReadAhead(src io.Reader, closer io.Closer) *readAhead {
	r := &readAhead{src: src, closer: closer, full: make(chan readAheadChunk, readAheadBuffers),
		free: make(chan []byte, readAheadBuffers), stop: make(chan struct{}), done: make(chan struct{})}
	for range readAheadBuffers {
		r.free <- make([]byte, readAheadSize)
	}
	go r.fill()
	return r
}

// fill reads the source into free buffers until it ends, fails or Close stops it.
func (r *readAhead) fill() {
	defer close(r.done)
	for {
		var buf []byte
		select {
		case buf = <-r.free:
		case <-r.stop:
			return
		}
		n, err := io.ReadFull(r.src, buf)
		if err == io.ErrUnexpectedEOF {
			err = io.EOF
		}
		select {
		case r.full <- readAheadChunk{buf[:n], err}:
		case <-r.stop:
			return
		}
		if err != nil {
			return
		}
	}
}

func (r *readAhead) Read(p []byte) (int, error) {
	for r.off == len(r.cur.buf) {
		if r.err != nil {
			return 0, r.err
		}
		if r.cur.buf != nil {
			r.free <- r.cur.buf[:cap(r.cur.buf)]
		}
		r.cur, r.off = <-r.full, 0
		if r.cur.err != nil {
			r.err = r.cur.err
		}
	}
	n := copy(p, r.cur.buf[r.off:])
	r.off += n
	if r.off == len(r.cur.buf) && r.err != nil {
		return n, r.err
	}
	return n, nil
}

// Close stops reading ahead and closes the source.
func (r *readAhead) Close() error {
	r.once.Do(func() { close(r.stop) })
	<-r.done
	return r.closer.Close()
}
