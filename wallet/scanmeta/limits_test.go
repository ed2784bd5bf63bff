package scanmeta

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"runtime"
	"testing"
)

// pngWithSize is a PNG whose IHDR declares w x h 8-bit grey pixels, followed by one small
// IDAT: a decompression bomb's header (its IDAT would inflate to w*h bytes).
func pngWithSize(w, h uint32) []byte {
	ihdr := binary.BigEndian.AppendUint32(nil, w)
	ihdr = binary.BigEndian.AppendUint32(ihdr, h)
	ihdr = append(ihdr, 8, 0, 0, 0, 0)
	b := append([]byte{}, pngSignature...)
	b = append(b, pngChunkT("IHDR", ihdr)...)
	b = append(b, pngChunkT("IDAT", []byte{0x78, 0x9C, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01})...)
	return append(b, pngChunkT("IEND", nil)...)
}

// jpegHead is SOI and a baseline frame header for w x h with one component.
func jpegHead(w, h int) []byte {
	b := []byte{0xFF, 0xD8}
	return append(b, jpegSegment(0xC0, []byte{8, byte(h >> 8), byte(h), byte(w >> 8), byte(w), 1, 1, 0x11, 0})...)
}

func TestPixelLimit(t *testing.T) {
	dj, _ := dirtyJPEG(t)
	for name, tc := range map[string]struct {
		b         []byte
		mediaType string
		lim       Limits
	}{
		"PNG bomb 30000x30000":  {pngWithSize(30000, 30000), MediaPNG, Limits{}},
		"PNG 2^31-1 wide":       {pngWithSize(1<<31-1, 2), MediaPNG, Limits{}},
		"JPEG bomb 65500x65500": {append(jpegHead(65500, 65500), 0xFF, 0xD9), MediaJPEG, Limits{}},
		"JPEG over a set limit": {dj, MediaJPEG, Limits{MaxPixels: 37*23 - 1}},
	} {
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		_, err := Clean(io.Discard, bytes.NewReader(tc.b), tc.mediaType, tc.lim)
		runtime.ReadMemStats(&after)
		var tl *TooLargeError
		if !errors.As(err, &tl) {
			t.Errorf("%s: err = %v, want *TooLargeError", name, err)
		}
		// Refused from the header: nothing near the declared size was allocated.
		if got := after.TotalAlloc - before.TotalAlloc; got > 4<<20 {
			t.Errorf("%s: allocated %d bytes before refusing", name, got)
		}
	}
	if _, err := Clean(io.Discard, bytes.NewReader(dj), MediaJPEG, Limits{MaxPixels: 37 * 23}); err != nil {
		t.Errorf("at the limit: %v", err)
	}
	for name, b := range map[string][]byte{"PNG 0x5": pngWithSize(0, 5), "JPEG 5x0": append(jpegHead(5, 0), 0xFF, 0xD9)} {
		var ie *InvalidError
		mt := MediaPNG
		if b[0] == 0xFF {
			mt = MediaJPEG
		}
		if _, err := Clean(io.Discard, bytes.NewReader(b), mt, Limits{}); !errors.As(err, &ie) {
			t.Errorf("%s: err = %v, want *InvalidError", name, err)
		}
	}
}

// repeatReader yields n bytes of c.
type repeatReader struct {
	c byte
	n int64
}

func (r *repeatReader) Read(p []byte) (int, error) {
	if r.n <= 0 {
		return 0, io.EOF
	}
	if int64(len(p)) > r.n {
		p = p[:r.n]
	}
	for i := range p {
		p[i] = r.c
	}
	r.n -= int64(len(p))
	return len(p), nil
}

// TestMemoryFlat streams 256 MiB of image data through the walkers (decoding left out, as
// the decoder's memory follows the pixel count, which the limit bounds) and checks that the
// walkers allocate well under a mebibyte whatever the size.
func TestMemoryFlat(t *testing.T) {
	if testing.Short() {
		t.Skip("streams 512 MiB")
	}
	const size = 256 << 20
	scan := append(jpegHead(16, 16), jpegSegment(0xDA, []byte{1, 1, 0, 0, 63, 0})...)
	jpegFile := io.MultiReader(bytes.NewReader(scan), &repeatReader{0x55, size}, bytes.NewReader([]byte{0xFF, 0xD9}))
	idat := binary.BigEndian.AppendUint32(nil, size)
	pngFile := io.MultiReader(bytes.NewReader(pngWithSize(16, 16)[:8+25]), bytes.NewReader(append(idat, "IDAT"...)),
		&repeatReader{0x55, size + 4}, bytes.NewReader(pngChunkT("IEND", nil)))
	for name, tc := range map[string]struct {
		r         io.Reader
		mediaType string
	}{"JPEG": {jpegFile, MediaJPEG}, "PNG": {pngFile, MediaPNG}} {
		cw := &countWriter{}
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		if _, err := Clean(cw, tc.r, tc.mediaType, Limits{SkipDecode: true}); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		runtime.ReadMemStats(&after)
		if cw.n < size {
			t.Fatalf("%s: wrote %d bytes", name, cw.n)
		}
		if got := after.TotalAlloc - before.TotalAlloc; got > 1<<20 {
			t.Errorf("%s: allocated %d bytes for a %d-byte file", name, got, cw.n)
		}
		t.Logf("%s: %d bytes through, %d bytes allocated", name, cw.n, after.TotalAlloc-before.TotalAlloc)
	}
}

type countWriter struct{ n int64 }

func (w *countWriter) Write(p []byte) (int, error) { w.n += int64(len(p)); return len(p), nil }
