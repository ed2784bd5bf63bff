package scanmeta

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
)

// JPEG markers (ITU T.81, B.1.1.3) this walker treats specially.
const (
	mSOI  = 0xD8
	mEOI  = 0xD9
	mSOS  = 0xDA
	mAPP0 = 0xE0
	mAPP1 = 0xE1
	mAPP2 = 0xE2
	mAPPD = 0xED
	mAPPE = 0xEE
	mAPPF = 0xEF
	mCOM  = 0xFE
)

// maxJPEGHeader caps the segments kept before the frame header (ICC profiles, tables), which
// the decoder check holds in memory while it reads the dimensions.
const maxJPEGHeader = 4 << 20

// jfifHeaderLen is the JFIF APP0 payload without a thumbnail: identifier, version, units,
// densities, thumbnail width and height.
const jfifHeaderLen = 5 + 2 + 1 + 4 + 2

var (
	idJFIF  = []byte("JFIF\x00")
	idEXIF  = []byte("Exif\x00\x00")
	idXMP   = []byte("http://ns.adobe.com/xap/1.0/\x00")
	idXMPx  = []byte("http://ns.adobe.com/xmp/extension/\x00")
	idICC   = []byte("ICC_PROFILE\x00")
	idAdobe = []byte("Adobe")
	idPS    = []byte("Photoshop 3.0\x00")
)

// jpegWalker holds the state of one JPEG being cleaned.
type jpegWalker struct {
	r        *bufio.Reader
	w        io.Writer
	lim      Limits
	rep      *Report
	header   int64 // bytes of kept segments before the first scan
	scanned  bool  // a SOS was seen
	frame    bool  // a SOF was seen
	oriented bool  // a minimal EXIF block was written
	jfif     bool  // the JFIF header was kept
}

func truncatedJPEG() error { return &InvalidError{MediaType: MediaJPEG, Reason: "truncated"} }

// cleanJPEG walks the marker segments of a JPEG (ITU T.81 Annex B), dropping metadata ones
// and copying the rest, and the entropy-coded data, byte for byte.
func cleanJPEG(w io.Writer, r io.Reader, lim Limits, rep *Report) error {
	j := &jpegWalker{r: bufio.NewReaderSize(r, 64<<10), w: w, lim: lim, rep: rep}
	var soi [2]byte
	if _, err := io.ReadFull(j.r, soi[:]); err != nil || soi != [2]byte{0xFF, mSOI} {
		return &InvalidError{MediaType: MediaJPEG, Reason: "no JPEG start-of-image marker"}
	}
	if err := j.write(soi[:]); err != nil {
		return err
	}
	marker, err := j.nextMarker()
	for err == nil {
		switch {
		case marker == mEOI:
			if !j.scanned {
				return &InvalidError{MediaType: MediaJPEG, Reason: "no image data"}
			}
			if err := j.write([]byte{0xFF, mEOI}); err != nil {
				return err
			}
			return j.trailer()
		case marker >= 0xD0 && marker <= 0xD7 || marker == 0x01: // RSTn, TEM: no length
			if err = j.write([]byte{0xFF, marker}); err != nil {
				return err
			}
			marker, err = j.nextMarker()
		case marker == mSOS:
			if !j.frame {
				return &InvalidError{MediaType: MediaJPEG, Reason: "image data before the frame header"}
			}
			if err = j.segment(marker); err != nil {
				return err
			}
			j.scanned = true
			marker, err = j.entropyData()
		default:
			if err = j.segment(marker); err != nil {
				return err
			}
			marker, err = j.nextMarker()
		}
	}
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return truncatedJPEG()
	}
	return err
}

func (j *jpegWalker) write(b []byte) error {
	if _, err := j.w.Write(b); err != nil {
		return fmt.Errorf("failed to write cleaned JPEG: %w", err)
	}
	return nil
}

// nextMarker reads a marker where one must be: 0xFF, optional 0xFF fill bytes, the code.
func (j *jpegWalker) nextMarker() (byte, error) {
	c, err := j.r.ReadByte()
	if err != nil {
		return 0, err
	}
	if c != 0xFF {
		return 0, &InvalidError{MediaType: MediaJPEG, Reason: "marker expected"}
	}
	for c == 0xFF {
		if c, err = j.r.ReadByte(); err != nil {
			return 0, err
		}
	}
	if c == 0x00 {
		return 0, &InvalidError{MediaType: MediaJPEG, Reason: "marker expected"}
	}
	return c, nil
}

// entropyData copies the entropy-coded data after a scan header up to the next marker that
// is not a restart marker or a stuffed zero, and returns that marker.
func (j *jpegWalker) entropyData() (byte, error) {
	for {
		chunk, err := j.r.ReadSlice(0xFF)
		if err == bufio.ErrBufferFull {
			if err := j.write(chunk); err != nil {
				return 0, err
			}
			continue
		}
		if err != nil {
			return 0, err
		}
		if err := j.write(chunk[:len(chunk)-1]); err != nil {
			return 0, err
		}
		c, err := j.r.ReadByte()
		for err == nil && c == 0xFF { // fill bytes
			c, err = j.r.ReadByte()
		}
		if err != nil {
			return 0, err
		}
		if c == 0x00 || c >= 0xD0 && c <= 0xD7 {
			if err := j.write([]byte{0xFF, c}); err != nil {
				return 0, err
			}
			continue
		}
		return c, nil
	}
}

// segment reads one marker segment (at most 64 KiB) and keeps or drops it.
func (j *jpegWalker) segment(marker byte) error {
	var l [2]byte
	if _, err := io.ReadFull(j.r, l[:]); err != nil {
		return truncatedJPEG()
	}
	n := int(l[0])<<8 | int(l[1])
	if n < 2 {
		return &InvalidError{MediaType: MediaJPEG, Reason: "bad segment length"}
	}
	payload := make([]byte, n-2)
	if _, err := io.ReadFull(j.r, payload); err != nil {
		return truncatedJPEG()
	}
	if marker == mAPP0 && bytes.HasPrefix(payload, idJFIF) {
		if j.jfif {
			j.rep.Removed = append(j.rep.Removed, Item{Kind: KindApplication, Name: "APP0", Size: int64(n + 2)})
			return nil // one JFIF header is all a decoder reads
		}
		j.jfif = true
		if len(payload) > jfifHeaderLen {
			// A JFIF thumbnail is an uncompressed copy of the picture, maybe of the uncropped
			// photo: keep the header, with a 0x0 thumbnail.
			j.rep.Removed = append(j.rep.Removed, Item{Kind: KindThumbnail, Name: "APP0", Size: int64(len(payload) - jfifHeaderLen)})
			payload = append(payload[:jfifHeaderLen-2:jfifHeaderLen-2], 0, 0)
			n = len(payload) + 2
			l = [2]byte{byte(n >> 8), byte(n)}
		}
	}
	drop, item := classifyJPEG(marker, payload)
	if drop {
		item.Size = int64(n + 2)
		j.rep.Removed = append(j.rep.Removed, item)
		if marker == mAPP1 && bytes.HasPrefix(payload, idEXIF) && !j.oriented {
			if o := exifOrientation(payload[len(idEXIF):]); o > 1 {
				j.oriented = true
				j.rep.Orientation = o
				return j.write(minimalJPEGExif(o))
			}
		}
		return nil
	}
	if marker == mAPP1 { // only the minimal EXIF block is kept
		if j.oriented {
			return nil // a second one adds nothing
		}
		j.oriented = true
		j.rep.Orientation = exifOrientation(payload[len(idEXIF):])
	}
	if isSOF(marker) {
		if err := j.frameHeader(payload); err != nil {
			return err
		}
	}
	if !j.frame || isSOF(marker) {
		if j.header += int64(n + 2); j.header > maxJPEGHeader {
			return &InvalidError{MediaType: MediaJPEG, Reason: "header segments too large"}
		}
	}
	if err := j.write([]byte{0xFF, marker, l[0], l[1]}); err != nil {
		return err
	}
	return j.write(payload)
}

// isSOF says whether a marker starts a frame (SOF0-SOF15 but DHT, JPG and DAC).
func isSOF(m byte) bool { return m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC }

// frameHeader reads the dimensions from a SOF segment and applies the pixel limit.
func (j *jpegWalker) frameHeader(p []byte) error {
	if len(p) < 6 {
		return &InvalidError{MediaType: MediaJPEG, Reason: "short frame header"}
	}
	if j.frame {
		return &InvalidError{MediaType: MediaJPEG, Reason: "more than one frame"}
	}
	j.frame = true
	h, w := int(p[1])<<8|int(p[2]), int(p[3])<<8|int(p[4])
	j.rep.Width, j.rep.Height = w, h
	if err := checkPixels(w, h, j.lim); err != nil {
		if ie, ok := err.(*InvalidError); ok {
			ie.MediaType = MediaJPEG
		}
		return err
	}
	return nil
}

// classifyJPEG decides whether a segment is metadata to drop, and what kind.
func classifyJPEG(marker byte, p []byte) (drop bool, item Item) {
	name := fmt.Sprintf("APP%d", marker-mAPP0)
	switch {
	case marker == mCOM:
		return true, Item{Kind: KindComment, Name: "COM"}
	case marker < mAPP0 || marker > mAPPF:
		return false, Item{}
	case marker == mAPP0 && bytes.HasPrefix(p, idJFIF),
		marker == mAPP2 && bytes.HasPrefix(p, idICC),
		marker == mAPPE && bytes.HasPrefix(p, idAdobe):
		return false, Item{}
	case marker == mAPP1 && bytes.HasPrefix(p, idEXIF):
		// The block Clean writes holds nothing but the orientation: keeping it makes Clean
		// idempotent and Inspect silent on a cleaned file.
		o := exifOrientation(p[len(idEXIF):])
		return o < 2 || !bytes.Equal(p[len(idEXIF):], minimalTIFF(o)), Item{Kind: KindEXIF, Name: name}
	case marker == mAPP1 && (bytes.HasPrefix(p, idXMP) || bytes.HasPrefix(p, idXMPx)):
		return true, Item{Kind: KindXMP, Name: name}
	case marker == mAPPD && bytes.HasPrefix(p, idPS):
		return true, Item{Kind: KindIPTC, Name: name}
	}
	return true, Item{Kind: KindApplication, Name: name}
}

// trailer drops whatever follows the end-of-image marker (phones append depth maps, second
// images and vendor blocks there), reporting its size.
func (j *jpegWalker) trailer() error {
	n, err := io.Copy(io.Discard, j.r)
	if err != nil {
		return fmt.Errorf("failed to read JPEG: %w", err)
	}
	if n > 0 {
		j.rep.Removed = append(j.rep.Removed, Item{Kind: KindTrailer, Name: "after EOI", Size: n})
	}
	return nil
}
