package export

import (
	"hash"
	"io"
)

// copyBufferSize is how much of an attachment writeAttachment reads at a time: large
// enough that the goroutine hand-offs below cost nothing next to the work on each buffer.
const copyBufferSize = 256 << 10

// copyHashing copies src to dst and feeds every byte copied to h, which runs on a goroutine
// of its own while dst (the tar inside age) encrypts the same buffer: the two read it,
// neither writes it, and the next read waits for both. It returns the bytes copied.
func copyHashing(dst io.Writer, h hash.Hash, src io.Reader) (int64, error) {
	work := make(chan []byte)
	hashed := make(chan struct{})
	go func() {
		for b := range work {
			h.Write(b)
			hashed <- struct{}{}
		}
	}()
	defer close(work)
	buf := make([]byte, copyBufferSize)
	var total int64
	for {
		n, err := src.Read(buf)
		if n > 0 {
			work <- buf[:n]
			_, werr := dst.Write(buf[:n])
			<-hashed
			if werr != nil {
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
