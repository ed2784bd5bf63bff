package wallet

import "io"

// hashBufferSize is copyBuffered's buffer.
const hashBufferSize = 256 << 10

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
