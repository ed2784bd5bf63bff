package testscan

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"io"
)

// The smallest sizes WriteJPEG and WritePNG can produce.
var (
	MinJPEG = int64(len(baseJPEG)) + iccOverhead + 1
	MinPNG  = int64(len(basePNG)) + 12 + 1
)

var baseJPEG, basePNG = encodeBases()

func encodeBases() ([]byte, []byte) {
	img := image.NewGray(image.Rect(0, 0, 8, 8))
	for i := range img.Pix {
		img.Pix[i] = uint8(i * 4)
	}
	img.Set(0, 0, color.Gray{Y: 255})
	var j, p bytes.Buffer
	if err := jpeg.Encode(&j, img, &jpeg.Options{Quality: 75}); err != nil {
		panic(err)
	}
	if err := png.Encode(&p, img); err != nil {
		panic(err)
	}
	return j.Bytes(), p.Bytes()
}

// iccOverhead is the marker, length and ICC_PROFILE header of each padding segment.
const iccOverhead = 4 + 14

// maxICCData is the padding a single APP2 segment carries.
const maxICCData = 0xFFFF - 2 - 14

// WriteJPEG writes a valid 8x8 JPEG of exactly size bytes to w, the padding read from rnd
// and carried in APP2 ICC_PROFILE segments between the frame header and the scan.
func WriteJPEG(w io.Writer, size int64, rnd io.Reader) error {
	if size < MinJPEG {
		return fmt.Errorf("testscan: a JPEG needs at least %d bytes", MinJPEG)
	}
	sos := bytes.Index(baseJPEG, []byte{0xFF, 0xDA})
	if _, err := w.Write(baseJPEG[:sos]); err != nil {
		return err
	}
	buf := make([]byte, maxICCData)
	for seq, n := range jpegPadding(size) {
		l := n + 2 + 14
		head := append([]byte{0xFF, 0xE2, byte(l >> 8), byte(l)}, "ICC_PROFILE\x00"...)
		head = append(head, byte(seq+1), 255)
		if _, err := io.ReadFull(rnd, buf[:n]); err != nil {
			return err
		}
		if _, err := w.Write(append(head, buf[:n]...)); err != nil {
			return err
		}
	}
	_, err := w.Write(baseJPEG[sos:])
	return err
}

// jpegPadding returns the data length of each padding segment of a JPEG of size bytes.
func jpegPadding(size int64) []int64 {
	var out []int64
	for pad := size - int64(len(baseJPEG)); pad > 0; {
		n := min(pad-iccOverhead, maxICCData)
		if rest := pad - iccOverhead - n; rest > 0 && rest < iccOverhead+1 {
			n -= iccOverhead + 1 // leave enough for one more segment
		}
		out = append(out, n)
		pad -= iccOverhead + n
	}
	return out
}

// WritePNG writes a valid 8x8 PNG of exactly size bytes to w, the padding read from rnd
// and carried in one iCCP chunk after the header.
func WritePNG(w io.Writer, size int64, rnd io.Reader) error {
	if size < MinPNG {
		return fmt.Errorf("testscan: a PNG needs at least %d bytes", MinPNG)
	}
	n := size - int64(len(basePNG)) - 12
	if n > 1<<31-1 {
		return fmt.Errorf("testscan: a PNG of %d bytes is too large", size)
	}
	const ihdrEnd = 8 + 25
	if _, err := w.Write(basePNG[:ihdrEnd]); err != nil {
		return err
	}
	head := binary.BigEndian.AppendUint32(nil, uint32(n))
	head = append(head, "iCCP"...)
	crc := crc32.NewIEEE()
	crc.Write(head[4:])
	if _, err := w.Write(head); err != nil {
		return err
	}
	if _, err := io.CopyN(io.MultiWriter(w, crc), rnd, n); err != nil {
		return err
	}
	if _, err := w.Write(binary.BigEndian.AppendUint32(nil, crc.Sum32())); err != nil {
		return err
	}
	_, err := w.Write(basePNG[ihdrEnd:])
	return err
}

// JPEG and PNG return whole files, for small sizes.
func JPEG(size int, rnd io.Reader) ([]byte, error) {
	var b bytes.Buffer
	err := WriteJPEG(&b, int64(size), rnd)
	return b.Bytes(), err
}

// PNG is [WritePNG] into memory.
func PNG(size int, rnd io.Reader) ([]byte, error) {
	var b bytes.Buffer
	err := WritePNG(&b, int64(size), rnd)
	return b.Bytes(), err
}

// Fixed returns, for a file these functions wrote, which of its bytes are the same in every
// file of its kind and size (the base image, segment and chunk headers), and nil for any
// other file. Tests that look for a scan's bytes elsewhere skip runs of fixed bytes, which
// would match another scan's structure.
func Fixed(file []byte) []bool {
	size := int64(len(file))
	fixed := make([]bool, len(file))
	mark := func(from, n int64) {
		for i := from; i < from+n; i++ {
			fixed[i] = true
		}
	}
	switch {
	case size >= MinJPEG && bytes.HasPrefix(file, baseJPEG[:bytes.Index(baseJPEG, []byte{0xFF, 0xDA})]):
		sos := int64(bytes.Index(baseJPEG, []byte{0xFF, 0xDA}))
		if !bytes.HasSuffix(file, baseJPEG[sos:]) {
			return nil
		}
		mark(0, sos)
		at := sos
		for _, n := range jpegPadding(size) {
			mark(at, iccOverhead)
			at += iccOverhead + n
		}
		mark(at, int64(len(baseJPEG))-sos)
	case size >= MinPNG && bytes.HasPrefix(file, basePNG[:33]) && bytes.HasSuffix(file, basePNG[33:]):
		mark(0, 33+8)
		mark(size-int64(len(basePNG)-33), int64(len(basePNG)-33))
	default:
		return nil
	}
	return fixed
}
