package export

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"io"
	"testing"
	"testing/iotest"
)

type failAfter struct {
	n   int
	err error
}

func (f *failAfter) Write(p []byte) (int, error) {
	if len(p) > f.n {
		return f.n, f.err
	}
	f.n -= len(p)
	return len(p), nil
}

// TestCopyHashing: the copy and the hash both see every byte, for sizes around the buffer
// size and reads of any length; a write error and a read error each stop the copy.
func TestCopyHashing(t *testing.T) {
	for _, size := range []int{0, 1, copyBufferSize - 1, copyBufferSize, 3*copyBufferSize + 7} {
		data := bytes.Repeat([]byte{1, 2, 3, 5, 8, 13, 21}, size/7+1)[:size]
		var out bytes.Buffer
		h := sha256.New()
		n, err := copyHashing(&out, h, iotest.HalfReader(bytes.NewReader(data)))
		want := sha256.Sum256(data)
		if err != nil || n != int64(size) || !bytes.Equal(out.Bytes(), data) || !bytes.Equal(h.Sum(nil), want[:]) {
			t.Fatalf("size %d: n %d, err %v, copy equal %v, hash equal %v", size, n, err,
				bytes.Equal(out.Bytes(), data), bytes.Equal(h.Sum(nil), want[:]))
		}
	}
	boom := errors.New("boom")
	if _, err := copyHashing(&failAfter{n: 10, err: boom}, sha256.New(), bytes.NewReader(make([]byte, 100))); !errors.Is(err, boom) {
		t.Fatalf("write error: %v", err)
	}
	src := io.MultiReader(bytes.NewReader(make([]byte, 100)), iotest.ErrReader(boom))
	if n, err := copyHashing(io.Discard, sha256.New(), src); !errors.Is(err, boom) || n != 100 {
		t.Fatalf("read error: n %d, err %v", n, err)
	}
}
