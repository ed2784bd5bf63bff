package wallet

import (
	"bytes"
	"errors"
	"io"
	"math/rand/v2"
	"testing"
	"testing/iotest"
)

type closeCounter struct{ n int }

func (c *closeCounter) Close() error { c.n++; return nil }

// TestReadAhead: what comes out is exactly what went in, at any size and however it is
// read; an error of the source arrives after the bytes before it; Close in the middle stops
// the goroutine and closes the source once.
func TestReadAhead(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, size := range []int{0, 1, readAheadSize - 1, readAheadSize, readAheadSize + 1, 5*readAheadSize + 17} {
		data := make([]byte, size)
		for i := range data {
			data[i] = byte(rng.IntN(256))
		}
		for name, read := range map[string]func(io.Reader) ([]byte, error){
			"ReadAll":  io.ReadAll,
			"one byte": func(r io.Reader) ([]byte, error) { return io.ReadAll(iotest.OneByteReader(r)) },
			"halves":   func(r io.Reader) ([]byte, error) { return io.ReadAll(iotest.HalfReader(r)) },
		} {
			if name == "one byte" && size > readAheadSize+1 {
				continue
			}
			var c closeCounter
			r := newReadAhead(iotest.HalfReader(bytes.NewReader(data)), &c)
			got, err := read(r)
			if err != nil || !bytes.Equal(got, data) {
				t.Fatalf("size %d, %s: %d bytes, err %v; want %d bytes", size, name, len(got), err, size)
			}
			if err := r.Close(); err != nil || c.n != 1 {
				t.Fatalf("size %d, %s: Close: %v, source closed %d times", size, name, err, c.n)
			}
		}
	}

	boom := errors.New("boom")
	data := bytes.Repeat([]byte("x"), 3*readAheadSize+5)
	var c closeCounter
	r := newReadAhead(io.MultiReader(bytes.NewReader(data), iotest.ErrReader(boom)), &c)
	got, err := io.ReadAll(r)
	if !errors.Is(err, boom) || !bytes.Equal(got, data) {
		t.Fatalf("failing source: %d bytes, err %v; want %d bytes then boom", len(got), err, len(data))
	}
	if _, err := r.Read(make([]byte, 1)); !errors.Is(err, boom) {
		t.Fatalf("read after the error: %v, want boom again", err)
	}
	r.Close()

	// Close with the goroutine blocked on full buffers, after a partial read.
	c = closeCounter{}
	r = newReadAhead(bytes.NewReader(make([]byte, 10*readAheadSize)), &c)
	if _, err := io.ReadFull(r, make([]byte, 10)); err != nil {
		t.Fatal(err)
	}
	if err := r.Close(); err != nil || c.n != 1 {
		t.Fatalf("early Close: %v, source closed %d times", err, c.n)
	}
	if err := r.Close(); err != nil || c.n != 2 {
		t.Fatalf("second Close: %v, closed %d times (passed through to the source)", err, c.n)
	}
}
