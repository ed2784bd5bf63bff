package testscan

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"strconv"
)

// Secrets are the values the dirty scans carry in their metadata; none may survive cleaning.
var Secrets = []string{
	"52.5200N13.4050E",     // EXIF GPS
	"PHONE-SERIAL-4711",    // EXIF Make, unknown APP segment, PNG private chunk
	"xmp-creator-Jane-Doe", // XMP
	"comment-home-address", // JPEG COM
	"iptc-byline-Jane",     // IPTC
	"png-author-Jane",      // PNG tEXt
	"png-itxt-location",    // PNG iTXt
	"vendor-trailer-block", // bytes after the end of the image
}

// PDFAuthor is the author in the Info dictionary of [DirtyPDF].
const PDFAuthor = "pdf-author-Jane-Doe"

// MinimalEXIF6 is the TIFF structure a cleaner writes for orientation 6: big-endian, one
// IFD with one entry (0x0112 Orientation, SHORT, count 1, value 6), no next IFD.
var MinimalEXIF6 = []byte("MM\x00*\x00\x00\x00\x08\x00\x01\x01\x12\x00\x03\x00\x00\x00\x01\x00\x06\x00\x00\x00\x00\x00\x00")

func dirtyImage() image.Image {
	img := image.NewRGBA(image.Rect(0, 0, 37, 23))
	for y := 0; y < 23; y++ {
		for x := 0; x < 37; x++ {
			img.Set(x, y, color.RGBA{uint8(x * 7), uint8(y * 11), uint8(x * y), 255})
		}
	}
	return img
}

// tiff is a little-endian TIFF as cameras write it: IFD0 with an ImageDescription holding a
// place, the Make holding a serial, Orientation 6 and a pointer to a GPS IFD with latitude
// 52 deg 31' 12" N.
func tiff() []byte {
	le := binary.LittleEndian
	desc, mk := []byte(Secrets[0]+"\x00"), []byte(Secrets[1]+"\x00")
	const ifd0, n0, n1 = 8, 4, 2
	gpsIFD := uint32(ifd0 + 2 + 12*n0 + 4)
	data := gpsIFD + 2 + 12*n1 + 4
	rationals := data + uint32(len(desc)+len(mk))
	b := le.AppendUint32([]byte("II*\x00"), ifd0)
	entries := func(es [][4]uint32) {
		b = le.AppendUint16(b, uint16(len(es)))
		for _, e := range es {
			b = le.AppendUint16(b, uint16(e[0]))
			b = le.AppendUint16(b, uint16(e[1]))
			b = le.AppendUint32(b, e[2])
			b = le.AppendUint32(b, e[3])
		}
		b = le.AppendUint32(b, 0)
	}
	entries([][4]uint32{
		{0x010E, 2, uint32(len(desc)), data},                   // ImageDescription
		{0x010F, 2, uint32(len(mk)), data + uint32(len(desc))}, // Make
		{0x0112, 3, 1, 6},      // Orientation
		{0x8825, 4, 1, gpsIFD}, // GPS IFD
	})
	entries([][4]uint32{
		{0x0001, 2, 2, 'N'},       // GPSLatitudeRef "N\0", inline
		{0x0002, 5, 3, rationals}, // GPSLatitude
	})
	b = append(append(b, desc...), mk...)
	for _, v := range []uint32{52, 1, 31, 1, 12, 1} {
		b = le.AppendUint32(b, v)
	}
	return b
}

// photoshopIPTC is an APP13 payload: a Photoshop image resource block holding IPTC-IIM
// record 2 dataset 80 (By-line) with byline.
func photoshopIPTC(byline string) string {
	iptc := append([]byte{0x1C, 0x02, 0x50}, byte(len(byline)>>8), byte(len(byline)))
	iptc = append(iptc, byline...)
	if len(iptc)%2 == 1 {
		iptc = append(iptc, 0)
	}
	res := append([]byte("8BIM\x04\x04\x00\x00"), binary.BigEndian.AppendUint32(nil, uint32(len(iptc)))...)
	return "Photoshop 3.0\x00" + string(res) + string(iptc)
}

func segment(marker byte, payload string) []byte {
	n := len(payload) + 2
	return append([]byte{0xFF, marker, byte(n >> 8), byte(n)}, payload...)
}

func chunk(typ, data string) []byte {
	b := binary.BigEndian.AppendUint32(nil, uint32(len(data)))
	b = append(append(b, typ...), data...)
	return binary.BigEndian.AppendUint32(b, crc32.ChecksumIEEE(b[4:]))
}

// DirtyJPEG is a 37x23 JPEG with EXIF (orientation 6, GPS, a serial), XMP, IPTC, a
// comment, an unknown APP segment and a trailer, besides a JFIF segment.
func DirtyJPEG() []byte {
	var enc bytes.Buffer
	if err := jpeg.Encode(&enc, dirtyImage(), &jpeg.Options{Quality: 90}); err != nil {
		panic(err)
	}
	raw := enc.Bytes()
	var b bytes.Buffer
	b.Write(raw[:2])
	b.Write(segment(0xE0, "JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"))
	b.Write(segment(0xE1, "Exif\x00\x00"+string(tiff())))
	b.Write(segment(0xE1, "http://ns.adobe.com/xap/1.0/\x00<x:xmpmeta><dc:creator>"+Secrets[2]+"</dc:creator></x:xmpmeta>"))
	b.Write(segment(0xED, photoshopIPTC(Secrets[4])))
	b.Write(segment(0xFE, Secrets[3]))
	b.Write(segment(0xEB, "JP\x00"+Secrets[1]))
	b.Write(raw[2:])
	b.WriteString(Secrets[7])
	return b.Bytes()
}

// DirtyPNG is a 37x23 PNG with tEXt, iTXt, tIME, eXIf (orientation 6, GPS, a serial), a
// private chunk and a trailer.
func DirtyPNG() []byte {
	var enc bytes.Buffer
	if err := png.Encode(&enc, dirtyImage()); err != nil {
		panic(err)
	}
	raw := enc.Bytes()
	const ihdrEnd = 8 + 25
	var b bytes.Buffer
	b.Write(raw[:ihdrEnd])
	b.Write(chunk("tEXt", "Author\x00"+Secrets[5]))
	b.Write(chunk("iTXt", "Location\x00\x00\x00en\x00Ort\x00"+Secrets[6]))
	b.Write(chunk("tIME", "\x07\xea\x0c\x01\x14\x00\x00"))
	b.Write(chunk("eXIf", string(tiff())))
	b.Write(chunk("prVt", Secrets[1]))
	b.Write(raw[ihdrEnd:])
	b.WriteString(Secrets[7])
	return b.Bytes()
}

// DirtyPDF is a one-page PDF with an Info dictionary naming [PDFAuthor] and an XMP stream.
func DirtyPDF() []byte {
	stream := func(dict, data string) string {
		return "<< " + dict + "/Length " + strconv.Itoa(len(data)) + " >>\nstream\n" + data + "\nendstream"
	}
	objs := []string{
		"<< /Type /Catalog /Pages 2 0 R /Metadata 5 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 100] /Contents 4 0 R >>",
		stream("", "0 0 1 rg 10 10 50 50 re f"),
		stream("/Type /Metadata /Subtype /XML ", "<x:xmpmeta><dc:creator>"+Secrets[2]+"</dc:creator></x:xmpmeta>"),
		"<< /Author (" + PDFAuthor + ") /Producer (testscan) >>",
	}
	var b bytes.Buffer
	b.WriteString("%PDF-1.4\n")
	offsets := make([]int, len(objs))
	for i, o := range objs {
		offsets[i] = b.Len()
		b.WriteString(strconv.Itoa(i+1) + " 0 obj\n" + o + "\nendobj\n")
	}
	xref := b.Len()
	b.WriteString("xref\n0 " + strconv.Itoa(len(objs)+1) + "\n0000000000 65535 f \n")
	for _, off := range offsets {
		b.WriteString(leftPad(strconv.Itoa(off)) + " 00000 n \n")
	}
	b.WriteString("trailer\n<< /Size " + strconv.Itoa(len(objs)+1) + " /Root 1 0 R /Info 6 0 R >>\nstartxref\n" +
		strconv.Itoa(xref) + "\n%%EOF\n")
	return b.Bytes()
}

func leftPad(s string) string {
	for len(s) < 10 {
		s = "0" + s
	}
	return s
}

// BombPNG is a PNG header declaring w x h grey pixels with a tiny IDAT: a decompression
// bomb's shape, refused before decoding.
func BombPNG(w, h uint32) []byte {
	ihdr := binary.BigEndian.AppendUint32(nil, w)
	ihdr = binary.BigEndian.AppendUint32(ihdr, h)
	ihdr = append(ihdr, 8, 0, 0, 0, 0)
	b := append([]byte("\x89PNG\r\n\x1a\n"), chunk("IHDR", string(ihdr))...)
	b = append(b, chunk("IDAT", "\x78\x9c\x03\x00\x00\x00\x00\x01")...)
	return append(b, chunk("IEND", "")...)
}
