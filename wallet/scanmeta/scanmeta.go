package scanmeta

import (
	"fmt"
	"io"
)

// Media types Clean and Inspect accept.
const (
	MediaJPEG = "image/jpeg"
	MediaPNG  = "image/png"
	MediaPDF  = "application/pdf"
)

// Kinds of metadata a [Item] can be.
const (
	KindEXIF        = "exif"        // JPEG APP1 Exif, PNG eXIf: camera, time, GPS
	KindXMP         = "xmp"         // Adobe XMP packets (JPEG APP1, PDF metadata streams)
	KindIPTC        = "iptc"        // JPEG APP13 Photoshop/IPTC
	KindComment     = "comment"     // JPEG COM
	KindApplication = "application" // any other JPEG APPn segment (maker notes, MPF, ...)
	KindText        = "text"        // PNG tEXt, zTXt, iTXt
	KindTime        = "time"        // PNG tIME
	KindAncillary   = "ancillary"   // another PNG ancillary chunk that does not affect display
	KindTrailer     = "trailer"     // bytes after the image's end marker
	KindThumbnail   = "thumbnail"   // a JFIF thumbnail (a small copy of the picture)
	KindPDFInfo     = "pdf-info"    // a key of a PDF Info dictionary (Author, Producer, ...)
	KindPDFHidden   = "pdf-objstm"  // compressed object streams, which can hide more metadata
)

// Item is one piece of metadata found in a scan. It names the container (a JPEG segment such
// as "APP1", a PNG chunk type such as "tEXt", a PDF key such as "Author") and never the value.
type Item struct {
	Kind string `json:"kind"`
	Name string `json:"name"`
	Size int64  `json:"size,omitempty"` // bytes, where the container has a length
}

// Report says what [Clean] removed and what is still present in its output, or, from
// [Inspect], what a file holds.
type Report struct {
	MediaType string `json:"media_type"`
	Removed   []Item `json:"removed"`
	Present   []Item `json:"present"`
	// Orientation is the EXIF orientation (2-8) kept in a minimal EXIF block, or 0 when the
	// image had none or the normal one (1).
	Orientation int `json:"orientation,omitempty"`
	Width       int `json:"width,omitempty"`
	Height      int `json:"height,omitempty"`
}

// Limits bound what Clean accepts.
type Limits struct {
	// MaxPixels caps width times height as the image header declares it; decoding needs
	// memory in proportion (about 1.5 to 8 bytes a pixel). Zero means [DefaultMaxPixels].
	MaxPixels int64
	// SkipDecode leaves out the full decode (the header and dimension checks still run).
	SkipDecode bool
}

// DefaultMaxPixels is 40 million pixels, above what phone cameras save by default (12 to 50
// megapixel sensors bin to 12) and a 600 dpi scan of an A4 page (35 million).
const DefaultMaxPixels = 40_000_000

func (l Limits) maxPixels() int64 {
	if l.MaxPixels <= 0 {
		return DefaultMaxPixels
	}
	return l.MaxPixels
}

// InvalidError reports a scan that is not what its media type says, or is damaged.
// Reason never repeats file content.
type InvalidError struct {
	MediaType string
	Reason    string
}

func (e *InvalidError) Error() string { return fmt.Sprintf("invalid %s: %s", e.MediaType, e.Reason) }

// TooLargeError reports an image whose declared dimensions exceed [Limits].MaxPixels.
type TooLargeError struct {
	Width, Height int
	MaxPixels     int64
}

func (e *TooLargeError) Error() string {
	return fmt.Sprintf("image of %dx%d pixels exceeds the limit of %d pixels", e.Width, e.Height, e.MaxPixels)
}

// UnsupportedError reports a media type Clean and Inspect do not handle.
type UnsupportedError struct{ MediaType string }

func (e *UnsupportedError) Error() string {
	return fmt.Sprintf("unsupported media type %q", e.MediaType)
}

// walker is what each format implements: read r, write the cleaned file to w (io.Discard
// when only inspecting), and fill the report.
type walker func(w io.Writer, r io.Reader, lim Limits, rep *Report) error

func walkerFor(mediaType string) (walker, error) {
	switch mediaType {
	case MediaJPEG:
		return cleanJPEG, nil
	case MediaPNG:
		return cleanPNG, nil
	case MediaPDF:
		return scanPDF, nil
	}
	return nil, &UnsupportedError{MediaType: mediaType}
}
