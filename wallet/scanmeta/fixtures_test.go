package scanmeta

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"testing"
)

// Values planted in the test scans; none may survive cleaning.
var secrets = []string{
	"52.5200N13.4050E", // GPS
	"SECRETPHONE-SN-4711",
	"xmp-creator-Jane-Doe",
	"comment-home-address",
	"iptc-byline-Jane",
	"png-author-Jane",
	"png-itxt-location",
	"png-ztxt-keyword",
	"pdf-author-Jane-Doe",
	"vendor-trailer-block",
}

// testImage is a small image with structure in it, so a wrong decode shows.
func testImage() image.Image {
	img := image.NewRGBA(image.Rect(0, 0, 37, 23))
	for y := 0; y < 23; y++ {
		for x := 0; x < 37; x++ {
			img.Set(x, y, color.RGBA{uint8(x * 7), uint8(y * 11), uint8(x * y), 255})
		}
	}
	return img
}

// tiffWith builds a little-endian TIFF structure with an orientation, an ASCII Make holding
// a phone serial, and an ASCII GPS value, the way camera EXIF blocks carry them.
func tiffWith(orientation int) []byte {
	le := binary.LittleEndian
	make_ := []byte(secrets[1] + "\x00")
	gps := []byte(secrets[0] + "\x00")
	const entries = 3
	dataAt := uint32(8 + 2 + 12*entries + 4)
	b := []byte("II*\x00")
	b = le.AppendUint32(b, 8)
	b = le.AppendUint16(b, entries)
	entry := func(tag, typ uint16, count, value uint32) {
		b = le.AppendUint16(b, tag)
		b = le.AppendUint16(b, typ)
		b = le.AppendUint32(b, count)
		b = le.AppendUint32(b, value)
	}
	entry(0x010F, 2, uint32(len(make_)), dataAt)                  // Make
	entry(0x0112, 3, 1, uint32(orientation))                      // Orientation
	entry(0x8825, 2, uint32(len(gps)), dataAt+uint32(len(make_))) // GPS (as a string, for the test)
	b = le.AppendUint32(b, 0)
	b = append(b, make_...)
	return append(b, gps...)
}

func jpegSegment(marker byte, payload []byte) []byte {
	n := len(payload) + 2
	return append([]byte{0xFF, marker, byte(n >> 8), byte(n)}, payload...)
}

// dirtyJPEG encodes testImage and plants EXIF (orientation 6, GPS, serial), XMP, IPTC, a
// comment, an unknown APP segment and a trailer; it keeps a JFIF, an ICC and an Adobe segment.
func dirtyJPEG(t testing.TB) (dirty []byte, kept [][]byte) {
	var enc bytes.Buffer
	if err := jpeg.Encode(&enc, testImage(), &jpeg.Options{Quality: 90}); err != nil {
		t.Fatal(err)
	}
	raw := enc.Bytes()
	jfif := jpegSegment(0xE0, []byte("JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"))
	icc := jpegSegment(0xE2, append([]byte("ICC_PROFILE\x00\x01\x01"), bytes.Repeat([]byte{0x42}, 40)...))
	adobe := jpegSegment(0xEE, []byte("Adobe\x00\x64\x00\x00\x00\x00\x01"))
	var b bytes.Buffer
	b.Write(raw[:2])
	b.Write(jfif)
	b.Write(jpegSegment(0xE1, append([]byte("Exif\x00\x00"), tiffWith(6)...)))
	b.Write(jpegSegment(0xE1, []byte("http://ns.adobe.com/xap/1.0/\x00<x:xmpmeta><dc:creator>"+secrets[2]+"</dc:creator></x:xmpmeta>")))
	b.Write(icc)
	b.Write(jpegSegment(0xED, []byte("Photoshop 3.0\x008BIM\x04\x04"+secrets[4])))
	b.Write(jpegSegment(0xFE, []byte(secrets[3])))
	b.Write(jpegSegment(0xEB, []byte("JP\x00"+secrets[1]))) // an unknown APP11
	b.Write(adobe)
	b.Write(raw[2:])
	b.WriteString(secrets[9])
	return b.Bytes(), [][]byte{jfif, icc, adobe}
}

func pngChunkT(typ string, data []byte) []byte {
	b := binary.BigEndian.AppendUint32(nil, uint32(len(data)))
	b = append(b, typ...)
	b = append(b, data...)
	return binary.BigEndian.AppendUint32(b, crc32.ChecksumIEEE(b[4:]))
}

// dirtyPNG encodes testImage and plants tEXt, zTXt, iTXt, tIME, eXIf (orientation 6), a
// private chunk and a trailer; it keeps a pHYs and a gAMA chunk.
func dirtyPNG(t testing.TB) (dirty []byte, kept [][]byte) {
	var enc bytes.Buffer
	if err := png.Encode(&enc, testImage()); err != nil {
		t.Fatal(err)
	}
	raw := enc.Bytes()
	ihdrEnd := 8 + 8 + 13 + 4
	phys := pngChunkT("pHYs", []byte{0, 0, 0x0B, 0x13, 0, 0, 0x0B, 0x13, 1})
	gama := pngChunkT("gAMA", []byte{0, 0, 0xB1, 0x8F})
	var b bytes.Buffer
	b.Write(raw[:ihdrEnd])
	b.Write(phys)
	b.Write(pngChunkT("tEXt", []byte("Author\x00"+secrets[5])))
	b.Write(pngChunkT("iTXt", []byte("Location\x00\x00\x00en\x00Ort\x00"+secrets[6])))
	b.Write(pngChunkT("zTXt", []byte("Comment\x00\x00"+secrets[7]))) // not valid zlib: dropped unread
	b.Write(pngChunkT("tIME", []byte{0x07, 0xEA, 12, 1, 20, 0, 0}))
	b.Write(pngChunkT("eXIf", tiffWith(6)))
	b.Write(pngChunkT("prVt", []byte(secrets[1])))
	b.Write(gama)
	b.Write(raw[ihdrEnd:])
	b.WriteString(secrets[9])
	return b.Bytes(), [][]byte{phys, gama}
}

// dirtyPDF is a one-page PDF with an Info dictionary and an XMP stream, offsets computed.
func dirtyPDF() []byte {
	objs := []string{
		"<< /Type /Catalog /Pages 2 0 R /Metadata 5 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 100] /Contents 4 0 R >>",
		pdfStream("", "0 0 1 rg 10 10 50 50 re f"),
		pdfStream("/Type /Metadata /Subtype /XML ", "<x:xmpmeta><dc:creator>"+secrets[2]+"</dc:creator></x:xmpmeta>"),
		"<< /Author (" + secrets[8] + ") /Producer (TestSuite) >>",
	}
	var b bytes.Buffer
	b.WriteString("%PDF-1.4\n")
	offsets := make([]int, len(objs))
	for i, o := range objs {
		offsets[i] = b.Len()
		b.WriteString(itoa(i+1) + " 0 obj\n" + o + "\nendobj\n")
	}
	xref := b.Len()
	b.WriteString("xref\n0 " + itoa(len(objs)+1) + "\n0000000000 65535 f \n")
	for _, off := range offsets {
		s := itoa(off)
		b.WriteString(string(bytes.Repeat([]byte("0"), 10-len(s))) + s + " 00000 n \n")
	}
	b.WriteString("trailer\n<< /Size " + itoa(len(objs)+1) + " /Root 1 0 R /Info 6 0 R >>\nstartxref\n" + itoa(xref) + "\n%%EOF\n")
	return b.Bytes()
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var d []byte
	for ; n > 0; n /= 10 {
		d = append([]byte{byte('0' + n%10)}, d...)
	}
	return string(d)
}

func pdfStream(dict, data string) string {
	return "<< " + dict + "/Length " + itoa(len(data)) + " >>\nstream\n" + data + "\nendstream"
}
