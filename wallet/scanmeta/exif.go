package scanmeta

import "encoding/binary"

// tagOrientation is the TIFF/EXIF Orientation tag (EXIF 2.32, 4.6.4 A).
const tagOrientation = 0x0112

// exifOrientation reads the Orientation tag from IFD0 of a TIFF structure (the payload of a
// JPEG Exif segment after its identifier, or of a PNG eXIf chunk). It returns 0 when the tag
// is missing, malformed or out of range (1-8); every offset is bounds-checked.
func exifOrientation(tiff []byte) int {
	if len(tiff) < 8 {
		return 0
	}
	var order binary.ByteOrder
	switch string(tiff[:4]) {
	case "II*\x00":
		order = binary.LittleEndian
	case "MM\x00*":
		order = binary.BigEndian
	default:
		return 0
	}
	ifd := int64(order.Uint32(tiff[4:8]))
	if ifd < 8 || ifd+2 > int64(len(tiff)) {
		return 0
	}
	count := int64(order.Uint16(tiff[ifd:]))
	for i := int64(0); i < count; i++ {
		e := ifd + 2 + 12*i
		if e+12 > int64(len(tiff)) {
			return 0
		}
		if order.Uint16(tiff[e:]) != tagOrientation {
			continue
		}
		typ, n := order.Uint16(tiff[e+2:]), order.Uint32(tiff[e+4:])
		if typ != 3 || n != 1 { // SHORT, one value
			return 0
		}
		if v := int(order.Uint16(tiff[e+8:])); v >= 1 && v <= 8 {
			return v
		}
		return 0
	}
	return 0
}

// minimalTIFF is a big-endian TIFF structure with one IFD holding only the orientation.
func minimalTIFF(orientation int) []byte {
	b := []byte{
		'M', 'M', 0, '*', 0, 0, 0, 8, // header, IFD0 at offset 8
		0, 1, // one entry
		0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, byte(orientation), 0, 0, // Orientation, SHORT, 1, value
		0, 0, 0, 0, // no next IFD
	}
	return b
}

// minimalJPEGExif is a complete APP1 segment with the minimal TIFF structure.
func minimalJPEGExif(orientation int) []byte {
	body := append([]byte("Exif\x00\x00"), minimalTIFF(orientation)...)
	n := len(body) + 2
	return append([]byte{0xFF, mAPP1, byte(n >> 8), byte(n)}, body...)
}
