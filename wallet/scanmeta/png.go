package scanmeta

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
)

var pngSignature = []byte{0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'}

// pngKeep lists the ancillary chunks that change how an image is displayed (PNG third
// edition, 11.3, and APNG's animation chunks); every other ancillary chunk is dropped.
var pngKeep = map[string]bool{
	"tRNS": true, "gAMA": true, "cHRM": true, "sRGB": true, "iCCP": true, "sBIT": true,
	"bKGD": true, "pHYs": true, "cICP": true, "mDCV": true, "cLLI": true, "sPLT": true,
	"hIST": true, "acTL": true, "fcTL": true, "fdAT": true,
}

// maxPNGExif bounds the eXIf chunk read into memory for its orientation; a larger one is
// dropped without being read.
const maxPNGExif = 1 << 20

func truncatedPNG() error { return &InvalidError{MediaType: MediaPNG, Reason: "truncated"} }

// cleanPNG walks the chunks of a PNG, copying critical chunks and display-relevant
// ancillary ones byte for byte (CRC included) and dropping the rest.
func cleanPNG(w io.Writer, r io.Reader, lim Limits, rep *Report) error {
	br := bufio.NewReaderSize(r, 64<<10)
	write := func(b []byte) error {
		if _, err := w.Write(b); err != nil {
			return fmt.Errorf("failed to write cleaned PNG: %w", err)
		}
		return nil
	}
	sig := make([]byte, len(pngSignature))
	if _, err := io.ReadFull(br, sig); err != nil || !bytes.Equal(sig, pngSignature) {
		return &InvalidError{MediaType: MediaPNG, Reason: "no PNG signature"}
	}
	if err := write(sig); err != nil {
		return err
	}
	oriented := false
	for first := true; ; first = false {
		var head [8]byte
		if _, err := io.ReadFull(br, head[:]); err != nil {
			return truncatedPNG()
		}
		n := int64(binary.BigEndian.Uint32(head[:4]))
		typ := string(head[4:])
		if n > 1<<31-1 || !validChunkType(head[4:]) {
			return &InvalidError{MediaType: MediaPNG, Reason: "bad chunk"}
		}
		if first != (typ == "IHDR") {
			return &InvalidError{MediaType: MediaPNG, Reason: "IHDR is not the first chunk"}
		}
		critical := head[4]&0x20 == 0
		switch {
		case typ == "IHDR":
			if err := pngHeader(br, n, lim, rep); err != nil {
				return err
			}
		case critical || pngKeep[typ]:
		case typ == "eXIf" && n <= maxPNGExif:
			body := make([]byte, n+4)
			if _, err := io.ReadFull(br, body); err != nil {
				return truncatedPNG()
			}
			o := exifOrientation(body[:n])
			if o > 1 && bytes.Equal(body[:n], minimalTIFF(o)) && !oriented { // written by Clean: keep
				oriented = true
				rep.Orientation = o
				if err := write(append(head[:], body...)); err != nil {
					return err
				}
				continue
			}
			rep.Removed = append(rep.Removed, Item{Kind: KindEXIF, Name: typ, Size: n + 12})
			if o > 1 && !oriented {
				oriented = true
				rep.Orientation = o
				if err := write(pngChunk("eXIf", minimalTIFF(o))); err != nil {
					return err
				}
			}
			continue
		default:
			if _, err := io.CopyN(io.Discard, br, n+4); err != nil {
				return truncatedPNG()
			}
			rep.Removed = append(rep.Removed, Item{Kind: pngKind(typ), Name: typ, Size: n + 12})
			continue
		}
		if err := write(head[:]); err != nil {
			return err
		}
		if _, err := io.CopyN(w, br, n+4); err != nil {
			if errors.Is(err, io.EOF) {
				return truncatedPNG()
			}
			return fmt.Errorf("failed to copy PNG chunk: %w", err)
		}
		if typ == "IEND" {
			break
		}
	}
	n, err := io.Copy(io.Discard, br)
	if err != nil {
		return fmt.Errorf("failed to read PNG: %w", err)
	}
	if n > 0 {
		rep.Removed = append(rep.Removed, Item{Kind: KindTrailer, Name: "after IEND", Size: n})
	}
	return nil
}

// pngHeader peeks at IHDR (without consuming it) for the dimensions.
func pngHeader(br *bufio.Reader, n int64, lim Limits, rep *Report) error {
	if n != 13 {
		return &InvalidError{MediaType: MediaPNG, Reason: "bad IHDR"}
	}
	ihdr, err := br.Peek(8)
	if err != nil {
		return truncatedPNG()
	}
	w, h := binary.BigEndian.Uint32(ihdr[:4]), binary.BigEndian.Uint32(ihdr[4:8])
	if w > 1<<31-1 || h > 1<<31-1 {
		return &InvalidError{MediaType: MediaPNG, Reason: "bad IHDR"}
	}
	rep.Width, rep.Height = int(w), int(h)
	if err := checkPixels(int(w), int(h), lim); err != nil {
		if ie, ok := err.(*InvalidError); ok {
			ie.MediaType = MediaPNG
		}
		return err
	}
	return nil
}

func validChunkType(t []byte) bool {
	for _, c := range t {
		if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z') {
			return false
		}
	}
	return true
}

func pngKind(typ string) string {
	switch typ {
	case "tEXt", "zTXt", "iTXt":
		return KindText
	case "tIME":
		return KindTime
	case "eXIf":
		return KindEXIF
	}
	return KindAncillary
}

// pngChunk builds a chunk with its length and CRC.
func pngChunk(typ string, data []byte) []byte {
	b := binary.BigEndian.AppendUint32(nil, uint32(len(data)))
	b = append(b, typ...)
	b = append(b, data...)
	return binary.BigEndian.AppendUint32(b, crc32.ChecksumIEEE(b[4:]))
}
